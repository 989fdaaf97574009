using ModelOps.Onnx.Operators;
using ModelOps.Onnx.Protobuf;

namespace ModelOps.Onnx;

/// <summary>
/// One node of the plan: its kernel and the slots it reads and writes. <see cref="LastReads"/> marks the inputs that
/// are intermediate values read by no later step and no graph output, so a kernel may write its result over them.
/// </summary>
internal sealed record PlanStep(string Label, OperatorKernel Kernel, int[] Inputs, int[] Outputs)
{
    public bool[] LastReads { get; init; } = [];
}

/// <summary>
/// A graph compiled once: nodes in topological order with resolved kernels, every value given a slot,
/// initializers decoded. Building it is where the graph is validated (operators, definitions, cycles).
/// </summary>
internal sealed class ExecutionPlan
{
    private ExecutionPlan(int slotCount, PlanStep[] steps, Dictionary<string, int> slots, Dictionary<string, Tensor> initializers)
    {
        SlotCount = slotCount;
        Steps = steps;
        Slots = slots;
        Initializers = initializers;
    }

    public int SlotCount { get; }

    public PlanStep[] Steps { get; }

    public Dictionary<string, int> Slots { get; }

    public Dictionary<string, Tensor> Initializers { get; }

    public long InitializerBytes => Initializers.Values.Sum(t => t.Data is string[] s ? s.Sum(x => (long)x.Length * 2) : (long)t.Length * System.Runtime.InteropServices.Marshal.SizeOf(Tensor.ClrType(t.ElementType) == typeof(bool) ? typeof(byte) : Tensor.ClrType(t.ElementType)));

    public static ExecutionPlan Compile(ModelProto model)
    {
        GraphProto graph = model.Graph;
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (OperatorSetIdProto opset in model.OpsetImport)
        {
            string domain = opset.Domain is "" or "ai.onnx" ? string.Empty : opset.Domain;
            opsets[domain] = Math.Max(opsets.GetValueOrDefault(domain), opset.Version);
        }

        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        int Slot(string name) => slots.TryGetValue(name, out int s) ? s : slots[name] = slots.Count;

        var initializers = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (TensorProto initializer in graph.Initializer)
        {
            initializers[initializer.Name] = TensorProtoConverter.ToTensor(initializer, $"Initializer '{initializer.Name}'");
            Slot(initializer.Name);
        }

        var defined = new HashSet<string>(initializers.Keys, StringComparer.Ordinal);
        foreach (ValueInfoProto input in graph.Input)
        {
            defined.Add(input.Name);
            Slot(input.Name);
        }

        // Kahn's algorithm over value names: a node is ready once every non-empty input is defined.
        var pending = graph.Node.ToList();
        var ordered = new List<NodeProto>(pending.Count);
        var producedBy = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (NodeProto node in pending)
        {
            foreach (string output in node.Output.Where(o => o.Length > 0))
            {
                if (defined.Contains(output) || !producedBy.TryAdd(output, node))
                {
                    throw InvalidModelException.ForNode(node, $"output '{output}' is already defined elsewhere in the graph.");
                }
            }
        }

        while (pending.Count > 0)
        {
            int before = ordered.Count;
            for (int i = 0; i < pending.Count; i++)
            {
                NodeProto node = pending[i];
                if (node.Input.All(n => n.Length == 0 || defined.Contains(n)))
                {
                    ordered.Add(node);
                    foreach (string output in node.Output.Where(o => o.Length > 0))
                    {
                        defined.Add(output);
                    }

                    pending.RemoveAt(i--);
                }
            }

            if (ordered.Count == before)
            {
                NodeProto stuck = pending[0];
                string missing = stuck.Input.First(n => n.Length > 0 && !defined.Contains(n));
                throw producedBy.ContainsKey(missing)
                    ? InvalidModelException.ForNode(stuck, $"the graph has a cycle through '{missing}'.")
                    : InvalidModelException.ForNode(stuck, $"input '{missing}' is not a graph input, an initializer or any node's output.");
            }
        }

        var steps = new PlanStep[ordered.Count];
        for (int i = 0; i < ordered.Count; i++)
        {
            NodeProto node = ordered[i];
            OperatorKernel kernel = OperatorRegistry.CreateKernel(node, opsets);
            steps[i] = new PlanStep(
                InvalidModelException.NodeLabel(node),
                kernel,
                node.Input.Select(n => n.Length == 0 ? -1 : Slot(n)).ToArray(),
                node.Output.Select(n => n.Length == 0 ? -1 : Slot(n)).ToArray());
        }

        foreach (ValueInfoProto output in graph.Output)
        {
            if (!defined.Contains(output.Name))
            {
                throw new InvalidModelException($"Graph output '{output.Name}' is produced by no node.");
            }
        }

        TypeInference.Check(graph, ordered, initializers, steps.Select(s => s.Kernel).ToArray());

        var outputSlots = graph.Output.Select(o => slots[o.Name]).ToHashSet();
        PlanStep[] fused = Operators.Ml.ScalerLinearClassifierKernel.Fuse(steps, outputSlots);
        var constants = initializers.ToDictionary(kv => slots[kv.Key], kv => kv.Value);
        fused = Operators.Ml.OneHotConcatKernel.Fuse(fused, outputSlots, constants);
        fused = Operators.Ml.OneHotConcatKernel.FuseProduct(fused, outputSlots, constants);
        return new ExecutionPlan(slots.Count, MarkLastReads(fused, outputSlots), slots, initializers);
    }

    // An input can be overwritten by the step that reads it last when a step of the plan produced it and the caller
    // never sees it (not a graph output).
    private static PlanStep[] MarkLastReads(PlanStep[] steps, HashSet<int> outputSlots)
    {
        var produced = steps.SelectMany(s => s.Outputs).Where(o => o >= 0).ToHashSet();
        var lastReader = new Dictionary<int, int>();
        for (int i = 0; i < steps.Length; i++)
        {
            foreach (int slot in steps[i].Inputs.Where(x => x >= 0)) lastReader[slot] = i;
        }

        return steps.Select((step, i) => step with
        {
            LastReads = step.Inputs.Select(slot => slot >= 0 && produced.Contains(slot) && !outputSlots.Contains(slot) && lastReader[slot] == i).ToArray(),
        }).ToArray();
    }
}
