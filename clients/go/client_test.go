package agentd_test

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	agentd "github.com/agentd-dev/agentd/clients/go"
	v1 "github.com/agentd-dev/agentd/clients/go/gen/agentd/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func dial(t *testing.T) *agentd.Client {
	t.Helper()
	client, err := agentd.Dial(daemonAddress)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return client
}

func TestInvokeDiamondInASession(t *testing.T) {
	client := dial(t)
	run, err := client.Invoke(context.Background(), "diamond", map[string]any{"x": 1}, agentd.WithSession("go-session"))
	if err != nil {
		t.Fatal(err)
	}
	if run.Output.AsInterface() != "w1=4, w2=6, total=10" || run.SessionId != "go-session" {
		t.Fatalf("unexpected run %v", run)
	}
}

func TestContextDeadlineCancelsTheRun(t *testing.T) {
	client := dial(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := client.Invoke(ctx, "slow", map[string]any{"ms": 30000}, agentd.WithSession("go-deadline"))
	if status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("expected DeadlineExceeded, got %v", err)
	}
	runs, err := client.Raw().ListRuns(context.Background(), &v1.ListRunsRequest{SessionId: "go-deadline"})
	if err != nil {
		t.Fatal(err)
	}
	run, err := client.Wait(context.Background(), runs.Runs[0].Id, 5*time.Second)
	if err != nil || run.Status != v1.RunStatus_RUN_STATUS_CANCELLED || run.Error.Code != "deadline_exceeded" {
		t.Fatalf("expected the run cancelled by the deadline, got %v %v", run, err)
	}
}

func TestFailedRunAndUnknownAgent(t *testing.T) {
	client := dial(t)
	_, err := client.Invoke(context.Background(), "failing", nil)
	var failed *agentd.RunFailedError
	if !errors.As(err, &failed) || failed.Run.Error.Worker != "explode" {
		t.Fatalf("expected RunFailedError from worker explode, got %v", err)
	}
	_, err = client.Invoke(context.Background(), "nope", nil)
	if status.Code(err) != codes.NotFound {
		t.Fatalf("expected NotFound, got %v", err)
	}
}

func TestFeedbackHandlerApproves(t *testing.T) {
	client := dial(t)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	asked := make(chan *v1.PendingFeedback, 1)
	go func() {
		_ = client.HandleFeedback(ctx, agentd.FeedbackFilter{Agents: []string{"approval"}, ClientName: "go-test"}, func(r *v1.PendingFeedback) (any, bool) {
			asked <- r
			return map[string]any{"approved": true}, true
		})
	}()
	run, err := client.Invoke(context.Background(), "approval", map[string]any{"topic": "go"})
	if err != nil {
		t.Fatal(err)
	}
	request := <-asked
	if request.Worker != "review" || run.Output.GetStructValue().Fields["status"].GetStringValue() != "published" {
		t.Fatalf("unexpected %v / %v", request, run.Output)
	}
	err = client.AnswerFeedback(context.Background(), request.RequestId, true, "late")
	if status.Code(err) != codes.FailedPrecondition {
		t.Fatalf("expected FailedPrecondition for a second answer, got %v", err)
	}
}

func TestQuickstartExampleRuns(t *testing.T) {
	cmd := exec.Command("go", "run", ".", daemonAddress)
	cmd.Dir = "../../examples/clients/go"
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	text := string(out)
	if !strings.Contains(text, "invoke: w1=4, w2=6, total=10") || strings.Count(text, "worker_finished") != 4 || !strings.Contains(text, "approval: published") {
		t.Fatalf("unexpected output:\n%s", text)
	}
}
