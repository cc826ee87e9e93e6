// Package agentd is the Go client for the agentd agent-runtime daemon.
//
//	client, _ := agentd.Dial("localhost:50051")
//	defer client.Close()
//	run, err := client.Invoke(ctx, "diamond", map[string]any{"x": 1})
//	fmt.Println(run.Output.AsInterface())
//
// Calls respect their context's deadline and cancellation (the daemon cancels the run). Failed calls return
// gRPC status errors (use status.Code(err)); Invoke returns *RunFailedError when the run did not succeed.
package agentd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	v1 "github.com/agentd-dev/agentd/clients/go/gen/agentd/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"
)

// Client is a connection to one daemon. It is safe for concurrent use.
type Client struct {
	conn *grpc.ClientConn
	rpc  v1.AgentRuntimeClient
}

// Dial connects to a daemon (plaintext unless options say otherwise).
func Dial(address string, opts ...grpc.DialOption) (*Client, error) {
	if len(opts) == 0 {
		opts = []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
	}
	conn, err := grpc.NewClient(address, opts...)
	if err != nil {
		return nil, err
	}
	return &Client{conn: conn, rpc: v1.NewAgentRuntimeClient(conn)}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// Raw gives the generated client, for RPCs this package does not wrap.
func (c *Client) Raw() v1.AgentRuntimeClient { return c.rpc }

// RunFailedError is returned by Invoke when the run ended FAILED or CANCELLED.
type RunFailedError struct{ Run *v1.Run }

func (e *RunFailedError) Error() string {
	return fmt.Sprintf("run %s of agent '%s' %s: %s", e.Run.Id, e.Run.Agent, e.Run.Status, e.Run.GetError().GetMessage())
}

type runOptions struct {
	sessionID      string
	config         map[string]any
	idempotencyKey string
}

// RunOption sets optional fields of a run request.
type RunOption func(*runOptions)

// WithSession continues (or names) a session.
func WithSession(id string) RunOption { return func(o *runOptions) { o.sessionID = id } }

// WithConfig passes a config to the agent's builder for the session.
func WithConfig(config map[string]any) RunOption { return func(o *runOptions) { o.config = config } }

// WithIdempotencyKey makes a repeated Submit return the first run.
func WithIdempotencyKey(key string) RunOption { return func(o *runOptions) { o.idempotencyKey = key } }

func requestParts(input any, opts []RunOption) (*structpb.Value, *structpb.Struct, runOptions, error) {
	var o runOptions
	for _, opt := range opts {
		opt(&o)
	}
	value, err := structpb.NewValue(input)
	if err != nil {
		return nil, nil, o, fmt.Errorf("input is not JSON-like: %w", err)
	}
	var config *structpb.Struct
	if o.config != nil {
		if config, err = structpb.NewStruct(o.config); err != nil {
			return nil, nil, o, fmt.Errorf("config is not JSON-like: %w", err)
		}
	}
	return value, config, o, nil
}

// Invoke runs an agent to completion. The result is run.Output.AsInterface().
func (c *Client) Invoke(ctx context.Context, agent string, input any, opts ...RunOption) (*v1.Run, error) {
	value, config, o, err := requestParts(input, opts)
	if err != nil {
		return nil, err
	}
	resp, err := c.rpc.Invoke(ctx, &v1.InvokeRequest{Agent: agent, SessionId: o.sessionID, Input: value, Config: config})
	if err != nil {
		return nil, err
	}
	if resp.Run.Status != v1.RunStatus_RUN_STATUS_SUCCEEDED {
		return resp.Run, &RunFailedError{Run: resp.Run}
	}
	return resp.Run, nil
}

// EventStream yields a run's events; cancel its context to cancel the run.
type EventStream struct {
	stream grpc.ServerStreamingClient[v1.StreamResponse]
}

// Recv returns the next event, or io.EOF after run_finished.
func (s *EventStream) Recv() (*v1.RunEvent, error) {
	msg, err := s.stream.Recv()
	if err != nil {
		return nil, err
	}
	return msg.Event, nil
}

// Stream runs an agent and returns its events as they happen.
func (c *Client) Stream(ctx context.Context, agent string, input any, opts ...RunOption) (*EventStream, error) {
	value, config, o, err := requestParts(input, opts)
	if err != nil {
		return nil, err
	}
	stream, err := c.rpc.Stream(ctx, &v1.StreamRequest{Agent: agent, SessionId: o.sessionID, Input: value, Config: config})
	if err != nil {
		return nil, err
	}
	return &EventStream{stream: stream}, nil
}

// Submit starts a background run and returns it at once.
func (c *Client) Submit(ctx context.Context, agent string, input any, opts ...RunOption) (*v1.Run, error) {
	value, config, o, err := requestParts(input, opts)
	if err != nil {
		return nil, err
	}
	resp, err := c.rpc.Submit(ctx, &v1.SubmitRequest{Agent: agent, SessionId: o.sessionID, Input: value, Config: config, IdempotencyKey: o.idempotencyKey})
	if err != nil {
		return nil, err
	}
	return resp.Run, nil
}

// Wait blocks until the run finishes, `timeout` passes (0: no limit) or ctx ends, and returns the run as it is.
func (c *Client) Wait(ctx context.Context, runID string, timeout time.Duration) (*v1.Run, error) {
	resp, err := c.rpc.WaitRun(ctx, &v1.WaitRunRequest{RunId: runID, TimeoutMs: uint32(timeout.Milliseconds())})
	if err != nil {
		return nil, err
	}
	return resp.Run, nil
}

// GetRun returns a run as it is now.
func (c *Client) GetRun(ctx context.Context, runID string) (*v1.Run, error) {
	resp, err := c.rpc.GetRun(ctx, &v1.GetRunRequest{RunId: runID})
	if err != nil {
		return nil, err
	}
	return resp.Run, nil
}

// Cancel cancels a run.
func (c *Client) Cancel(ctx context.Context, runID, reason string) (*v1.Run, error) {
	resp, err := c.rpc.CancelRun(ctx, &v1.CancelRunRequest{RunId: runID, Reason: reason})
	if err != nil {
		return nil, err
	}
	return resp.Run, nil
}

// AnswerFeedback answers one feedback request.
func (c *Client) AnswerFeedback(ctx context.Context, requestID string, data any, answeredBy string) error {
	value, err := structpb.NewValue(data)
	if err != nil {
		return fmt.Errorf("answer is not JSON-like: %w", err)
	}
	_, err = c.rpc.AnswerFeedback(ctx, &v1.AnswerFeedbackRequest{RequestId: requestID, Data: value, AnsweredBy: answeredBy})
	return err
}

// FeedbackFilter selects which feedback requests a handler receives; empty fields match everything.
type FeedbackFilter struct {
	SessionIDs, RunIDs, Agents []string
	ClientName                 string
}

// FeedbackHandler answers a request: return (answer, true) to answer, or (nil, false) to leave it.
type FeedbackHandler func(request *v1.PendingFeedback) (any, bool)

// HandleFeedback keeps a Feedback stream open and answers matching requests with handler until ctx ends.
func (c *Client) HandleFeedback(ctx context.Context, filter FeedbackFilter, handler FeedbackHandler) error {
	stream, err := c.rpc.Feedback(ctx)
	if err != nil {
		return err
	}
	subscribe := &v1.FeedbackSubscription{SessionIds: filter.SessionIDs, RunIds: filter.RunIDs, Agents: filter.Agents, ClientName: filter.ClientName}
	if err := stream.Send(&v1.FeedbackRequest{Kind: &v1.FeedbackRequest_Subscribe{Subscribe: subscribe}}); err != nil {
		return err
	}
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) || ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return err
		}
		request := msg.GetRequest()
		if request == nil {
			continue
		}
		answer, ok := handler(request)
		if !ok {
			continue
		}
		value, err := structpb.NewValue(answer)
		if err != nil {
			return fmt.Errorf("answer is not JSON-like: %w", err)
		}
		reply := &v1.FeedbackRequest{Kind: &v1.FeedbackRequest_Answer{Answer: &v1.FeedbackAnswer{RequestId: request.RequestId, Data: value}}}
		if err := stream.Send(reply); err != nil {
			return err
		}
	}
}
