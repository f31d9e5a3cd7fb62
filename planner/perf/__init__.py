"""Training-throughput prediction from a model's shape, its parallel layout and the cluster:
step time as named parts, memory per accelerator, failures, and the layout search."""
