"""Names of a predicted step's parts, as people read them."""

PART_NAMES = {"memory_bound": "memory-bound ops", "shard_gather_exposed": "ZeRO-3 weight gathers",
              "overhead": "fixed step overhead", "tensor_comm": "tensor-parallel comm",
              "pipeline_bubble": "pipeline bubble", "context_comm": "context-parallel K/V ring",
              "expert_comm": "expert all-to-all",
              "expert_host": "MoE host launches", "pipeline_comm": "pipeline transfers",
              "data_comm_exposed": "gradient all-reduce", "optimizer": "optimizer step",
              "offload": "optimizer offload (host)"}
