package agentd_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	agentd "github.com/agentd-dev/agentd/clients/go"
	v1 "github.com/agentd-dev/agentd/clients/go/gen/agentd/v1"
	"google.golang.org/grpc/status"
)

type scenario struct {
	Name      string `json:"name"`
	Call      string `json:"call"`
	Agent     string `json:"agent"`
	Input     any    `json:"input"`
	RunID     string `json:"run_id"`
	Answer    any    `json:"answer"`
	TimeoutMs int    `json:"timeout_ms"`
	Expect    struct {
		Status        string   `json:"status"`
		Output        any      `json:"output"`
		HasOutput     bool     `json:"-"`
		Events        []string `json:"events"`
		Error         string   `json:"error"`
		ErrorContains string   `json:"error_contains"`
	} `json:"expect"`
}

type seen struct {
	status, errorCode, message string
	output                     any
	events                     []string
}

func statusName(s v1.RunStatus) string { return strings.TrimPrefix(s.String(), "RUN_STATUS_") }

func fromRun(run *v1.Run) seen {
	return seen{status: statusName(run.Status), output: run.GetOutput().AsInterface(), message: run.GetError().GetMessage()}
}

func eventKind(e *v1.RunEvent) string {
	switch e.Kind.(type) {
	case *v1.RunEvent_RunStarted:
		return "run_started"
	case *v1.RunEvent_WorkerStarted:
		return "worker_started"
	case *v1.RunEvent_WorkerFinished:
		return "worker_finished"
	case *v1.RunEvent_Custom:
		return "custom"
	case *v1.RunEvent_RunFinished:
		return "run_finished"
	case *v1.RunEvent_FeedbackRequested:
		return "feedback_requested"
	default:
		return "feedback_resolved"
	}
}

func perform(t *testing.T, client *agentd.Client, s scenario) seen {
	ctx := context.Background()
	if s.TimeoutMs > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(s.TimeoutMs)*time.Millisecond)
		defer cancel()
	}
	var run *v1.Run
	var err error
	switch s.Call {
	case "invoke":
		run, err = client.Invoke(ctx, s.Agent, s.Input)
	case "stream":
		var stream *agentd.EventStream
		if stream, err = client.Stream(ctx, s.Agent, s.Input); err == nil {
			var out seen
			for {
				event, recvErr := stream.Recv()
				if errors.Is(recvErr, io.EOF) {
					return out
				}
				if recvErr != nil {
					err = recvErr
					break
				}
				out.events = append(out.events, eventKind(event))
				if f := event.GetRunFinished(); f != nil {
					out.status, out.output = statusName(f.Status), f.GetOutput().AsInterface()
				}
			}
		}
	case "submit_wait":
		if run, err = client.Submit(ctx, s.Agent, s.Input); err == nil {
			run, err = client.Wait(ctx, run.Id, 0)
		}
	case "submit_cancel":
		if run, err = client.Submit(ctx, s.Agent, s.Input); err == nil {
			if _, err = client.Cancel(ctx, run.Id, "conformance"); err == nil {
				run, err = client.Wait(ctx, run.Id, 10*time.Second)
			}
		}
	case "get_run":
		run, err = client.GetRun(ctx, s.RunID)
	case "feedback":
		handlerCtx, stop := context.WithCancel(context.Background())
		defer stop()
		go func() {
			_ = client.HandleFeedback(handlerCtx, agentd.FeedbackFilter{Agents: []string{s.Agent}, ClientName: "go-conformance"},
				func(*v1.PendingFeedback) (any, bool) { return s.Answer, true })
		}()
		invokeCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		run, err = client.Invoke(invokeCtx, s.Agent, s.Input)
	default:
		t.Fatalf("unknown call %s", s.Call)
	}
	var failed *agentd.RunFailedError
	if errors.As(err, &failed) {
		return fromRun(failed.Run)
	}
	if err != nil {
		st, _ := status.FromError(err)
		return seen{errorCode: strings.ToUpper(strings.ReplaceAll(toSnake(st.Code().String()), " ", "_")), message: st.Message()}
	}
	return fromRun(run)
}

// toSnake turns a codes.Code name like "NotFound" into "NOT_FOUND".
func toSnake(name string) string {
	var b strings.Builder
	for i, r := range name {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestConformance(t *testing.T) {
	raw, err := os.ReadFile("../../test/conformance/scenarios.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Scenarios []json.RawMessage `json:"scenarios"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	client, err := agentd.Dial(daemonAddress)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	for _, rawScenario := range file.Scenarios {
		var s scenario
		if err := json.Unmarshal(rawScenario, &s); err != nil {
			t.Fatal(err)
		}
		var expectKeys map[string]map[string]any
		_ = json.Unmarshal(rawScenario, &expectKeys)
		_, s.Expect.HasOutput = expectKeys["expect"]["output"]
		t.Run(s.Name, func(t *testing.T) {
			got := perform(t, client, s)
			if s.Expect.Error != "" {
				if got.errorCode != s.Expect.Error {
					t.Fatalf("expected error %s, got %+v", s.Expect.Error, got)
				}
			} else if got.status != s.Expect.Status {
				t.Fatalf("expected status %s, got %+v", s.Expect.Status, got)
			}
			if s.Expect.HasOutput && !reflect.DeepEqual(got.output, s.Expect.Output) {
				t.Fatalf("expected output %#v, got %#v", s.Expect.Output, got.output)
			}
			if s.Expect.Events != nil && !reflect.DeepEqual(got.events, s.Expect.Events) {
				t.Fatalf("expected events %v, got %v", s.Expect.Events, got.events)
			}
			if s.Expect.ErrorContains != "" && !strings.Contains(got.message, s.Expect.ErrorContains) {
				t.Fatalf("expected message containing %q, got %q", s.Expect.ErrorContains, got.message)
			}
		})
	}
}
