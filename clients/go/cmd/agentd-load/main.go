// agentd-load: load generator for the benchmarks, written on the Go client so that generating load costs the
// daemon's machine as little CPU as possible.
//
//	agentd-load [-input JSON] [-expect JSON] [-warmup N] ADDRESS AGENT CONCURRENCY TOTAL
//	    closed loop: CONCURRENCY callers share TOTAL invokes; prints invokes per second.
//	agentd-load -latency [-input JSON] [-sessions FILE] ADDRESS AGENT SESSIONS
//	    SESSIONS invokes started at once, each in its own new session; prints "p50_ms p99_ms". With -sessions,
//	    the ids of the new sessions are written to FILE, and a later load reading FILE continues those sessions
//	    (the next turn of each), as a chat backend would.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	agentd "github.com/agentd-dev/agentd/clients/go"
)

func main() {
	input := flag.String("input", `{"hello":"world","n":1}`, "JSON input of every invoke")
	expect := flag.String("expect", "", "JSON every output must equal (checked on every call)")
	latency := flag.Bool("latency", false, "start all invokes at once and print p50/p99 latency in ms")
	sessions := flag.String("sessions", "", "with -latency: file of session ids to continue, or to write the new ones to")
	warmup := flag.Int("warmup", 200, "invokes before measuring (connection, code paths, JIT on both sides)")
	flag.Parse()
	args := flag.Args()
	if (*latency && len(args) != 3) || (!*latency && len(args) != 4) {
		flag.Usage()
		os.Exit(2)
	}
	var payload, want any
	mustJSON(*input, &payload)
	if *expect != "" {
		mustJSON(*expect, &want)
	}
	client, err := agentd.Dial(args[0])
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	agent := args[1]
	invoke := func(opts ...agentd.RunOption) string {
		res, err := client.Invoke(context.Background(), agent, payload, opts...)
		if err != nil {
			log.Fatal(err)
		}
		if want != nil && !reflect.DeepEqual(res.GetOutput().AsInterface(), want) {
			log.Fatalf("wrong output %v, want %v", res.GetOutput().AsInterface(), want)
		}
		return res.GetSessionId()
	}
	if *warmup > 0 {
		throughput(invoke, min(50, *warmup), *warmup)
	}
	if *latency {
		fmt.Println(latencies(invoke, atoi(args[2]), *sessions))
	} else {
		fmt.Printf("%.1f\n", throughput(invoke, atoi(args[2]), atoi(args[3])))
	}
}

type invokeFunc func(...agentd.RunOption) string

func throughput(invoke invokeFunc, concurrency, total int) float64 {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(total) {
				invoke()
			}
		}()
	}
	wg.Wait()
	return float64(total) / time.Since(start).Seconds()
}

func latencies(invoke invokeFunc, sessions int, sessionFile string) string {
	var continued []string
	if sessionFile != "" {
		if text, err := os.ReadFile(sessionFile); err == nil {
			continued = strings.Fields(string(text))
			if len(continued) != sessions {
				log.Fatalf("%s holds %d session ids, not %d", sessionFile, len(continued), sessions)
			}
		}
	}
	took := make([]float64, sessions)
	ids := make([]string, sessions)
	var wg sync.WaitGroup
	for i := range took {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var opts []agentd.RunOption
			if continued != nil {
				opts = append(opts, agentd.WithSession(continued[i]))
			}
			start := time.Now()
			ids[i] = invoke(opts...)
			took[i] = float64(time.Since(start).Microseconds()) / 1000
		}()
	}
	wg.Wait()
	if sessionFile != "" && continued == nil {
		if err := os.WriteFile(sessionFile, []byte(strings.Join(ids, "\n")), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	sort.Float64s(took)
	at := func(p int) float64 { return took[min(len(took)-1, len(took)*p/100)] }
	return fmt.Sprintf("%.1f %.1f", at(50), at(99))
}

func mustJSON(text string, into *any) {
	if err := json.Unmarshal([]byte(text), into); err != nil {
		log.Fatalf("bad JSON %q: %v", text, err)
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		log.Fatalf("%q is not a positive number", s)
	}
	return n
}
