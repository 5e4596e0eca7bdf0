using Edge.StoreBenchmarks;

// ./bench store: SQLite against LiteDB on the store's workload. Prints figures, asserts nothing; the latest
// run is recorded in docs/STORE.md and docs/BENCHMARKS.md. "write" and "read" are the child processes it starts.
switch (args.FirstOrDefault() ?? "store")
{
    case "store":
        Console.WriteLine("== store");
        await StoreComparison.RunAsync();
        return 0;
    case "write":
        return ChildCommands.Write(args[1..]);
    case "read":
        return ChildCommands.Read(args[1..]);
    default:
        Console.Error.WriteLine("usage: Edge.StoreBenchmarks [store | write ENGINE DIR BATCH TRANSACTIONS SECONDS | read ENGINE DIR]");
        return 2;
}
