"""Go heap dumps (runtime/debug.WriteHeapDump): parse, object graph, roots, dominators."""
