// The tests start brokers, agents and appliances as processes on a 2-core machine: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
