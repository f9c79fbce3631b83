using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;

namespace SafeChat.Inference.Onnx;

/// <summary>
/// Reads the weights of SafeChat's two linear ONNX graphs (the shapes <c>OnnxModelWriter</c> writes) straight from
/// the model bytes, so they can be evaluated in managed code (<see cref="SparseLinearKernel"/>,
/// <see cref="DenseLogisticKernel"/>). A graph that is not exactly one of those shapes (other ops, other attributes,
/// other initializers) gives null, and the caller keeps ONNX Runtime.
/// </summary>
internal static class LinearGraphReader
{
    private const int FloatType = 1;
    private const int Int64Type = 7;
    private const int Float16Type = 10;

    /// <summary>The sparse linear graph's kernel, or null when the graph is not exactly that graph.</summary>
    public static SparseLinearKernel? TryReadSparse(byte[] model) => TryReadSparse(model, DefaultGraphName, out _);

    /// <summary>
    /// The sparse linear graph's kernel, or null when the graph is not exactly that graph; with it, in
    /// <paramref name="signature"/>, the graph's inputs, outputs and metadata as ONNX Runtime would report them (null
    /// when they are not exactly what ONNX Runtime would report or not a SafeChat signature: then use ONNX Runtime).
    /// </summary>
    /// <param name="model">The ONNX bytes.</param>
    /// <param name="name">The graph's name in errors.</param>
    /// <param name="signature">The signature, or null.</param>
    public static SparseLinearKernel? TryReadSparse(byte[] model, string name, out OnnxGraphSignature? signature)
    {
        signature = null;
        var graph = ReadGraph(model);
        if (graph is null)
        {
            return null;
        }

        var kernel = ReadSparse(graph);
        if (kernel is not null)
        {
            signature = graph.Signature(name);
        }

        return kernel;
    }

    /// <summary>The dense logistic graph's kernel, or null when the graph is not exactly that graph.</summary>
    public static DenseLogisticKernel? TryReadDense(byte[] model) => TryReadDense(model, DefaultGraphName, out _);

    /// <summary>The dense logistic graph's kernel and signature (see <see cref="TryReadSparse(byte[], string, out OnnxGraphSignature?)"/>).</summary>
    /// <param name="model">The ONNX bytes.</param>
    /// <param name="name">The graph's name in errors.</param>
    /// <param name="signature">The signature, or null.</param>
    public static DenseLogisticKernel? TryReadDense(byte[] model, string name, out OnnxGraphSignature? signature)
    {
        signature = null;
        var graph = ReadGraph(model);
        if (graph is null)
        {
            return null;
        }

        var kernel = ReadDense(graph);
        if (kernel is not null)
        {
            signature = graph.Signature(name);
        }

        return kernel;
    }

    // The graph name in errors when the caller gives none.
    private const string DefaultGraphName = "model.onnx";

    private static SparseLinearKernel? ReadSparse(Graph graph)
    {
        var (nodes, tensors) = (graph.Nodes, graph.Tensors);
        var half = nodes.Count == 7;
        string[] ops = half
            ? ["Gather", "Cast", "Unsqueeze", "Mul", "ReduceSum", "Add", "Sigmoid"]
            : ["Gather", "Unsqueeze", "Mul", "ReduceSum", "Add", "Sigmoid"];
        if (!OpsAre(nodes, ops))
        {
            return null;
        }

        var at = 0;
        var gather = nodes[at++];
        var gathered = gather.Output;
        if (!Inputs(gather, "W", OnnxModelConventions.IdsInput) || gather.IntAttribute("axis", 0) != 0 || gather.Attributes.Count > 1)
        {
            return null;
        }

        if (half)
        {
            var cast = nodes[at++];
            if (!Inputs(cast, gathered) || cast.IntAttribute("to", -1) != FloatType || cast.Attributes.Count != 1)
            {
                return null;
            }

            gathered = cast.Output;
        }

        var unsqueeze = nodes[at++];
        var mul = nodes[at++];
        var reduce = nodes[at++];
        var add = nodes[at++];
        var sigmoid = nodes[at];
        if (!Inputs(unsqueeze, OnnxModelConventions.ValuesInput, unsqueeze.Inputs.ElementAtOrDefault(1) ?? "") || unsqueeze.Attributes.Count != 0
            || !IsInt64(tensors, unsqueeze.Inputs[1], 2)
            || !(Inputs(mul, gathered, unsqueeze.Output) || Inputs(mul, unsqueeze.Output, gathered)) || mul.Attributes.Count != 0
            || reduce.Inputs.Count != 2 || reduce.Inputs[0] != mul.Output || !IsInt64(tensors, reduce.Inputs[1], 1)
            || reduce.IntAttribute("keepdims", 1) != 0 || reduce.IntAttribute("noop_with_empty_axes", 0) != 0 || reduce.Attributes.Count != 1
            || !Inputs(add, reduce.Output, "b") || add.Attributes.Count != 0 || add.Output != OnnxModelConventions.LogitsOutput
            || !Inputs(sigmoid, OnnxModelConventions.LogitsOutput) || sigmoid.Output != OnnxModelConventions.ProbabilitiesOutput)
        {
            return null;
        }

        if (!tensors.TryGetValue("W", out var w) || w.Dims.Count != 2 || w.DataType != (half ? Float16Type : FloatType)
            || !tensors.TryGetValue("b", out var b) || b.Dims.Count != 1 || b.DataType != FloatType || b.Dims[0] != w.Dims[1])
        {
            return null;
        }

        var weights = w.Floats();
        var bias = b.Floats();
        return weights is null || bias is null ? null : new SparseLinearKernel(weights, bias, checked((int)w.Dims[0]));
    }

    private static DenseLogisticKernel? ReadDense(Graph graph)
    {
        var (nodes, tensors) = (graph.Nodes, graph.Tensors);
        var at = 0;
        var input = OnnxModelConventions.FeaturesInput;
        float[]? mean = null, std = null;
        if (nodes.Count > 0 && nodes[0].OpType == "Sub")
        {
            if (nodes.Count < 2 || nodes[1].OpType != "Div" || !Inputs(nodes[0], input, "mean") || !Inputs(nodes[1], nodes[0].Output, "std")
                || nodes[0].Attributes.Count != 0 || nodes[1].Attributes.Count != 0
                || !tensors.TryGetValue("mean", out var m) || m.DataType != FloatType || m.Dims.Count != 1
                || !tensors.TryGetValue("std", out var s) || s.DataType != FloatType || s.Dims.Count != 1)
            {
                return null;
            }

            mean = m.Floats();
            std = s.Floats();
            input = nodes[1].Output;
            at = 2;
        }

        var weightName = "W";
        if (at < nodes.Count && nodes[at].OpType == "Cast")
        {
            if (!Inputs(nodes[at], "W_half") || nodes[at].IntAttribute("to", -1) != FloatType || nodes[at].Attributes.Count != 1 || nodes[at].Output != "W")
            {
                return null;
            }

            weightName = "W_half";
            at++;
        }

        if (nodes.Count != at + 2 || nodes[at].OpType != "Gemm" || nodes[at + 1].OpType != "Sigmoid" || nodes.Any(n => n.Domain.Length != 0))
        {
            return null;
        }

        var gemm = nodes[at];
        var sigmoid = nodes[at + 1];
        if (!Inputs(gemm, input, "W", "b") || gemm.Output != OnnxModelConventions.LogitsOutput
            || gemm.IntAttribute("transB", 0) != 1 || gemm.IntAttribute("transA", 0) != 0
            || gemm.Attributes.Any(a => a.Name is not ("transB" or "transA"))
            || !Inputs(sigmoid, OnnxModelConventions.LogitsOutput) || sigmoid.Output != OnnxModelConventions.ProbabilitiesOutput)
        {
            return null;
        }

        if (!tensors.TryGetValue(weightName, out var w) || w.Dims.Count != 2 || w.DataType != (weightName == "W" ? FloatType : Float16Type)
            || !tensors.TryGetValue("b", out var b) || b.Dims.Count != 1 || b.DataType != FloatType || b.Dims[0] != w.Dims[0])
        {
            return null;
        }

        int features = checked((int)w.Dims[1]);
        if ((mean is not null && mean.Length != features) || (std is not null && std.Length != features))
        {
            return null;
        }

        var weights = w.Floats();
        var bias = b.Floats();
        return weights is null || bias is null ? null : new DenseLogisticKernel(weights, bias, features, mean, std);
    }

    private static bool OpsAre(List<Node> nodes, string[] ops)
    {
        if (nodes.Count != ops.Length)
        {
            return false;
        }

        for (var i = 0; i < ops.Length; i++)
        {
            if (nodes[i].OpType != ops[i] || !string.IsNullOrEmpty(nodes[i].Domain))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Inputs(Node node, params string[] inputs) => node.Inputs.SequenceEqual(inputs, StringComparer.Ordinal);

    private static bool IsInt64(Dictionary<string, Tensor> tensors, string name, long value) =>
        tensors.TryGetValue(name, out var t) && t.DataType == Int64Type && t.Int64s.Count == 1 && t.Int64s[0] == value;

    // ModelProto.graph = 7, metadata_props = 14; GraphProto.node = 1, initializer = 5, input = 11, output = 12.
    private static Graph? ReadGraph(byte[] model)
    {
        try
        {
            ByteString? graphBytes = null;
            var graph = new Graph();
            var input = new CodedInputStream(model);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (tag == ((7 << 3) | 2))
                {
                    if (graphBytes is not null)
                    {
                        // Protobuf would merge a second graph into the first: not something this reader follows.
                        return null;
                    }

                    graphBytes = input.ReadBytes();
                }
                else if (tag == ((1 << 3) | 0))
                {
                    graph.IrVersion = input.ReadInt64();
                }
                else if (tag == ((8 << 3) | 2))
                {
                    var (domain, version) = ReadOpset(input.ReadBytes());
                    if (domain.Length == 0 || domain == "ai.onnx")
                    {
                        graph.Opset = version;
                    }
                }
                else if (tag == ((14 << 3) | 2))
                {
                    var (key, value) = ReadEntry(input.ReadBytes());
                    graph.Metadata[key] = value;
                }
                else
                {
                    input.SkipLastField();
                }
            }

            // The ops read here mean the same from opset 13 (ReduceSum and Unsqueeze take their axes as an input) to 21, in
            // the IR versions ONNX Runtime reads; anything else is left to ONNX Runtime (which checks it).
            if (graphBytes is null || graph.Opset is < MinOpset or > MaxOpset || graph.IrVersion is < MinIrVersion or > MaxIrVersion)
            {
                return null;
            }

            var nodes = graph.Nodes;
            var tensors = graph.Tensors;
            var reader = graphBytes.CreateCodedInput();
            while ((tag = reader.ReadTag()) != 0)
            {
                switch (tag)
                {
                    case (1 << 3) | 2:
                        nodes.Add(Node.Read(reader.ReadBytes()));
                        break;
                    case (5 << 3) | 2:
                        var tensor = Tensor.Read(reader.ReadBytes());
                        if (!tensors.TryAdd(tensor.Name, tensor))
                        {
                            return null;
                        }

                        break;
                    case (11 << 3) | 2:
                        graph.Inputs.Add(ReadValueInfo(reader.ReadBytes()));
                        break;
                    case (12 << 3) | 2:
                        graph.Outputs.Add(ReadValueInfo(reader.ReadBytes()));
                        break;
                    default:
                        reader.SkipLastField();
                        break;
                }
            }

            return graph;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private const long MinOpset = 13;
    private const long MaxOpset = 21;
    private const long MinIrVersion = 7;
    private const long MaxIrVersion = 10;

    // OperatorSetIdProto: domain = 1, version = 2.
    private static (string Domain, long Version) ReadOpset(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        string domain = "";
        long version = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (tag)
            {
                case (1 << 3) | 2: domain = input.ReadString(); break;
                case (2 << 3) | 0: version = input.ReadInt64(); break;
                default: input.SkipLastField(); break;
            }
        }

        return (domain, version);
    }

    // StringStringEntryProto: key = 1, value = 2.
    private static (string Key, string Value) ReadEntry(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        string key = "", value = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (tag)
            {
                case (1 << 3) | 2: key = input.ReadString(); break;
                case (2 << 3) | 2: value = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }

        return (key, value);
    }

    // ValueInfoProto: name = 1, type = 2. TypeProto: tensor_type = 1 (any other kind of value: not a plain tensor).
    // TypeProto.Tensor: elem_type = 1, shape = 2. TensorShapeProto: dim = 1. Dimension: dim_value = 1, dim_param = 2.
    // Null when the value is not a tensor of a named element type (the graph is then left to ONNX Runtime).
    private static OnnxTensorInfo? ReadValueInfo(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        string name = "";
        ByteString? type = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (tag)
            {
                case (1 << 3) | 2: name = input.ReadString(); break;
                case (2 << 3) | 2: type = input.ReadBytes(); break;
                default: input.SkipLastField(); break;
            }
        }

        if (type is null)
        {
            return null;
        }

        ByteString? tensorType = null;
        input = type.CreateCodedInput();
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == ((1 << 3) | 2) && tensorType is null)
            {
                tensorType = input.ReadBytes();
            }
            else if (tag >> 3 == 6)
            {
                input.SkipLastField(); // TypeProto.denotation
            }
            else
            {
                return null;
            }
        }

        if (tensorType is null)
        {
            return null;
        }

        int elementType = 0;
        var dims = new List<int>();
        var symbols = new List<string>();
        input = tensorType.CreateCodedInput();
        while ((tag = input.ReadTag()) != 0)
        {
            switch (tag)
            {
                case (1 << 3) | 0: elementType = input.ReadInt32(); break;
                case (2 << 3) | 2:
                    var shape = input.ReadBytes().CreateCodedInput();
                    uint shapeTag;
                    while ((shapeTag = shape.ReadTag()) != 0)
                    {
                        if (shapeTag != ((1 << 3) | 2))
                        {
                            shape.SkipLastField();
                            continue;
                        }

                        var dim = shape.ReadBytes().CreateCodedInput();
                        long value = -1;
                        string symbol = "";
                        uint dimTag;
                        while ((dimTag = dim.ReadTag()) != 0)
                        {
                            switch (dimTag)
                            {
                                case (1 << 3) | 0: value = dim.ReadInt64(); symbol = ""; break;
                                case (2 << 3) | 2: symbol = dim.ReadString(); value = -1; break;
                                default: dim.SkipLastField(); break;
                            }
                        }

                        if (value > int.MaxValue || value < -1)
                        {
                            return null;
                        }

                        dims.Add((int)value);
                        symbols.Add(symbol);
                    }

                    break;
                default: input.SkipLastField(); break;
            }
        }

        return OnnxTensorInfo.NameOf(elementType) is { } typeName
            ? new OnnxTensorInfo(name, elementType, typeName, [.. dims], [.. symbols])
            : null;
    }

    /// <summary>A graph as this reader sees it: nodes, initializers, inputs and outputs (null when not plain tensors), and the model's metadata.</summary>
    private sealed class Graph
    {
        public List<Node> Nodes { get; } = [];

        public Dictionary<string, Tensor> Tensors { get; } = new(StringComparer.Ordinal);

        public List<OnnxTensorInfo?> Inputs { get; } = [];

        public List<OnnxTensorInfo?> Outputs { get; } = [];

        public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

        /// <summary>The model's IR version (0 when absent).</summary>
        public long IrVersion { get; set; }

        /// <summary>The default-domain opset the model imports (0 when none).</summary>
        public long Opset { get; set; }

        /// <summary>The signature ONNX Runtime would report (inputs that are initializers left out), or null when it cannot be read.</summary>
        public OnnxGraphSignature? Signature(string name)
        {
            var inputs = new List<OnnxTensorInfo>();
            foreach (var input in Inputs)
            {
                if (input is null)
                {
                    return null;
                }

                if (!Tensors.ContainsKey(input.Name))
                {
                    inputs.Add(input);
                }
            }

            var outputs = new List<OnnxTensorInfo>();
            foreach (var output in Outputs)
            {
                if (output is null)
                {
                    return null;
                }

                outputs.Add(output);
            }

            try
            {
                return new OnnxGraphSignature(name, inputs, outputs, Metadata);
            }
            catch (InvalidDataException)
            {
                // Not a SafeChat signature: ONNX Runtime loads the graph and reports it.
                return null;
            }
        }
    }

    private sealed class Node
    {
        public List<string> Inputs { get; } = [];

        public List<string> Outputs { get; } = [];

        public string Output => Outputs.Count == 1 ? Outputs[0] : "\0";

        public string OpType { get; private set; } = "";

        public string Domain { get; private set; } = "";

        public List<(string Name, long? Int)> Attributes { get; } = [];

        public long IntAttribute(string name, long missing)
        {
            foreach (var (attributeName, value) in Attributes)
            {
                if (attributeName == name)
                {
                    return value ?? long.MinValue;
                }
            }

            return missing;
        }

        // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7.
        public static Node Read(ByteString bytes)
        {
            var node = new Node();
            var input = bytes.CreateCodedInput();
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (tag)
                {
                    case (1 << 3) | 2: node.Inputs.Add(input.ReadString()); break;
                    case (2 << 3) | 2: node.Outputs.Add(input.ReadString()); break;
                    case (4 << 3) | 2: node.OpType = input.ReadString(); break;
                    case (7 << 3) | 2: node.Domain = input.ReadString(); break;
                    case (5 << 3) | 2: node.Attributes.Add(ReadAttribute(input.ReadBytes())); break;
                    default: input.SkipLastField(); break;
                }
            }

            return node;
        }

        // AttributeProto: name = 1, i = 3, type = 20 (INT = 2). Any other kind of value reads as a non-int.
        private static (string Name, long? Int) ReadAttribute(ByteString bytes)
        {
            var input = bytes.CreateCodedInput();
            string name = "";
            long value = 0; // proto3 leaves a zero out
            var other = false;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (tag)
                {
                    case (1 << 3) | 2: name = input.ReadString(); break;
                    case (3 << 3) | 0: value = input.ReadInt64(); break;
                    case (20 << 3) | 0: other |= input.ReadInt32() != 2; break;
                    default: other = true; input.SkipLastField(); break;
                }
            }

            return (name, other ? null : value);
        }
    }

    private sealed class Tensor
    {
        public List<long> Dims { get; } = [];

        public int DataType { get; private set; }

        public string Name { get; private set; } = "";

        public List<long> Int64s { get; } = [];

        private ByteString? Raw { get; set; }

        private bool External { get; set; }

        private List<float> FloatData { get; } = [];

        /// <summary>The values as floats (float16 converted exactly), or null when the data does not fill the shape.</summary>
        public float[]? Floats()
        {
            long count = 1;
            foreach (var d in Dims)
            {
                if (d <= 0)
                {
                    return null;
                }

                count = checked(count * d);
            }

            if (External)
            {
                return null;
            }

            var result = new float[count];
            if (DataType == FloatType)
            {
                if (Raw is { } raw)
                {
                    if (raw.Length != count * 4)
                    {
                        return null;
                    }

                    var bytes = raw.Span;
                    if (BitConverter.IsLittleEndian)
                    {
                        MemoryMarshal.Cast<byte, float>(bytes).CopyTo(result);
                    }
                    else
                    {
                        for (var i = 0; i < result.Length; i++)
                        {
                            result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i * 4)));
                        }
                    }
                }
                else if (FloatData.Count == count)
                {
                    FloatData.CopyTo(result);
                }
                else
                {
                    return null;
                }

                foreach (var v in result)
                {
                    if (!float.IsFinite(v))
                    {
                        return null;
                    }
                }
            }
            else if (DataType == Float16Type && Raw is { } raw && raw.Length == count * 2)
            {
                // Every half is a float exactly: through a table of all 65,536 (a weight matrix has millions of values).
                // NaN and infinity (exponent all ones) are refused as not finite.
                var bytes = raw.Span;
                var table = HalfTable.Value;
                if (BitConverter.IsLittleEndian)
                {
                    // The halves in place (no call per value: this loop runs over millions of them at start-up).
                    var halves = MemoryMarshal.Cast<byte, ushort>(bytes);
                    for (var i = 0; i < result.Length; i++)
                    {
                        ushort bits = halves[i];
                        if ((bits & 0x7C00) == 0x7C00)
                        {
                            return null;
                        }

                        result[i] = table[bits];
                    }
                }
                else
                {
                    for (var i = 0; i < result.Length; i++)
                    {
                        ushort bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2, 2));
                        if ((bits & 0x7C00) == 0x7C00)
                        {
                            return null;
                        }

                        result[i] = table[bits];
                    }
                }
            }
            else
            {
                return null;
            }

            return result;
        }

        // Every float16 bit pattern as its float (NaN for the non-finite ones, which are refused before the lookup).
        private static readonly Lazy<float[]> HalfTable = new(() =>
        {
            var table = new float[65536];
            for (var bits = 0; bits < table.Length; bits++)
            {
                table[bits] = HalfToSingle((ushort)bits);
            }

            return table;
        });

        // TensorProto: dims = 1, data_type = 2, float_data = 4, int64_data = 7, name = 8, raw_data = 9, data_location = 14.
        public static Tensor Read(ByteString bytes)
        {
            var tensor = new Tensor();
            var input = bytes.CreateCodedInput();
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (tag)
                {
                    case (1 << 3) | 0: tensor.Dims.Add(input.ReadInt64()); break;
                    case (1 << 3) | 2: ReadPacked(input.ReadBytes(), tensor.Dims); break;
                    case (2 << 3) | 0: tensor.DataType = input.ReadInt32(); break;
                    case (4 << 3) | 5: tensor.FloatData.Add(input.ReadFloat()); break;
                    case (4 << 3) | 2:
                        var floats = input.ReadBytes().CreateCodedInput();
                        while (!floats.IsAtEnd)
                        {
                            tensor.FloatData.Add(floats.ReadFloat());
                        }

                        break;
                    case (7 << 3) | 0: tensor.Int64s.Add(input.ReadInt64()); break;
                    case (7 << 3) | 2: ReadPacked(input.ReadBytes(), tensor.Int64s); break;
                    case (8 << 3) | 2: tensor.Name = input.ReadString(); break;
                    case (9 << 3) | 2: tensor.Raw = input.ReadBytes(); break;
                    case (14 << 3) | 0:
                        // External data: not something this reader follows.
                        tensor.External |= input.ReadInt32() != 0;
                        break;
                    default: input.SkipLastField(); break;
                }
            }

            return tensor;
        }

        // IEEE 754 binary16 to binary32, exact (every half is a float); NaN and infinity are refused later as not finite.
        private static float HalfToSingle(ushort bits)
        {
            int sign = (bits >> 15) << 31;
            int exponent = (bits >> 10) & 0x1F;
            int mantissa = bits & 0x3FF;
            if (exponent == 0x1F)
            {
                return float.NaN;
            }

            if (exponent == 0)
            {
                // Zero or subnormal: mantissa × 2^-24, exact in float.
                float value = mantissa * (1f / 16777216f);
                return sign == 0 ? value : -value;
            }

            return BitConverter.Int32BitsToSingle(sign | ((exponent + 112) << 23) | (mantissa << 13));
        }

        private static void ReadPacked(ByteString bytes, List<long> target)
        {
            var input = bytes.CreateCodedInput();
            while (!input.IsAtEnd)
            {
                target.Add(input.ReadInt64());
            }
        }
    }
}
