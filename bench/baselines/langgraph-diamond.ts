// The same diamond in LangGraph.js: w0 -> (w1 || w2) -> summary, in process, optionally with its Postgres checkpointer.
import { Annotation, END, START, StateGraph, type BaseCheckpointSaver } from '@langchain/langgraph';

// LangGraph keeps node outputs in state channels, which may not share the nodes' names.
const State = Annotation.Root({
  x: Annotation<number>,
  a: Annotation<number>,
  b: Annotation<number>,
  c: Annotation<number>,
  text: Annotation<string>,
});

export function langgraphDiamond(checkpointer?: BaseCheckpointSaver) {
  return new StateGraph(State)
    .addNode('w0', async (s) => ({ a: s.x + 1 }))
    .addNode('w1', async (s) => ({ b: s.a * 2 }))
    .addNode('w2', async (s) => ({ c: s.a * 3 }))
    .addNode('summary', async (s) => ({ text: `w1=${s.b}, w2=${s.c}` }))
    .addEdge(START, 'w0')
    .addEdge('w0', 'w1')
    .addEdge('w0', 'w2')
    .addEdge(['w1', 'w2'], 'summary')
    .addEdge('summary', END)
    .compile({ checkpointer });
}
