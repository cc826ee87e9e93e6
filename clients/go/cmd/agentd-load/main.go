// agentd-load: `agentd-load ADDRESS AGENT CONCURRENCY TOTAL` invokes an agent from Go and prints invokes per second.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	agentd "github.com/agentd-dev/agentd/clients/go"
)

func main() {
	if len(os.Args) != 5 {
		log.Fatal("usage: agentd-load ADDRESS AGENT CONCURRENCY TOTAL")
	}
	concurrency, _ := strconv.Atoi(os.Args[3])
	total, _ := strconv.Atoi(os.Args[4])
	client, err := agentd.Dial(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	payload := map[string]any{"hello": "world", "n": 1}
	for i := 0; i < 200; i++ {
		if _, err := client.Invoke(context.Background(), os.Args[2], payload); err != nil {
			log.Fatal(err)
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(total) {
				if _, err := client.Invoke(context.Background(), os.Args[2], payload); err != nil {
					log.Fatal(err)
				}
			}
		}()
	}
	wg.Wait()
	fmt.Printf("%.1f\n", float64(total)/time.Since(start).Seconds())
}
