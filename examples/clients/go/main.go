// agentd from Go: invoke, stream, and answer a human-in-the-loop request with a handler.
//
//	cd examples/clients/go && go run . localhost:50051
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	agentd "github.com/agentd-dev/agentd/clients/go"
	v1 "github.com/agentd-dev/agentd/clients/go/gen/agentd/v1"
)

func main() {
	address := "localhost:50051"
	if len(os.Args) > 1 {
		address = os.Args[1]
	}
	client, err := agentd.Dial(address)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()

	run, err := client.Invoke(ctx, "diamond", map[string]any{"x": 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("invoke:", run.Output.AsInterface())

	stream, err := client.Stream(ctx, "diamond", map[string]any{"x": 1})
	if err != nil {
		log.Fatal(err)
	}
	var kinds []string
	for {
		event, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		kinds = append(kinds, kindOf(event))
	}
	fmt.Println("stream:", strings.Join(kinds, " "))

	approverCtx, stop := context.WithCancel(ctx)
	defer stop()
	go client.HandleFeedback(approverCtx, agentd.FeedbackFilter{Agents: []string{"approval"}}, func(*v1.PendingFeedback) (any, bool) {
		return map[string]any{"approved": true}, true
	})
	run, err = client.Invoke(ctx, "approval", map[string]any{"topic": "the refund"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("approval:", run.Output.GetStructValue().Fields["status"].GetStringValue())
}

func kindOf(event *v1.RunEvent) string {
	switch event.Kind.(type) {
	case *v1.RunEvent_RunStarted:
		return "run_started"
	case *v1.RunEvent_WorkerStarted:
		return "worker_started"
	case *v1.RunEvent_WorkerFinished:
		return "worker_finished"
	case *v1.RunEvent_RunFinished:
		return "run_finished"
	default:
		return "other"
	}
}
