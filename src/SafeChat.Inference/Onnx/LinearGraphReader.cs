using System.Buffers.Binary;
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
    public static SparseLinearKernel? TryReadSparse(byte[] model)
    {
        var graph = ReadGraph(model);
        if (graph is null)
        {
            return null;
        }

        var (nodes, tensors) = graph.Value;
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

    /// <summary>The dense logistic graph's kernel, or null when the graph is not exactly that graph.</summary>
    public static DenseLogisticKernel? TryReadDense(byte[] model)
    {
        var graph = ReadGraph(model);
        if (graph is null)
        {
            return null;
        }

        var (nodes, tensors) = graph.Value;
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

        if (nodes.Count != at + 2 || nodes[at].OpType != "Gemm" || nodes[at + 1].OpType != "Sigmoid")
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

    // ModelProto.graph = 7; GraphProto.node = 1, initializer = 5.
    private static (List<Node> Nodes, Dictionary<string, Tensor> Tensors)? ReadGraph(byte[] model)
    {
        try
        {
            ByteString? graphBytes = null;
            var input = new CodedInputStream(model);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (tag == ((7 << 3) | 2))
                {
                    graphBytes = input.ReadBytes();
                }
                else
                {
                    input.SkipLastField();
                }
            }

            if (graphBytes is null)
            {
                return null;
            }

            var nodes = new List<Node>();
            var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            var graph = graphBytes.CreateCodedInput();
            while ((tag = graph.ReadTag()) != 0)
            {
                switch (tag)
                {
                    case (1 << 3) | 2:
                        nodes.Add(Node.Read(graph.ReadBytes()));
                        break;
                    case (5 << 3) | 2:
                        var tensor = Tensor.Read(graph.ReadBytes());
                        if (!tensors.TryAdd(tensor.Name, tensor))
                        {
                            return null;
                        }

                        break;
                    default:
                        graph.SkipLastField();
                        break;
                }
            }

            return (nodes, tensors);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
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

        private byte[]? Raw { get; set; }

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

                    for (var i = 0; i < result.Length; i++)
                    {
                        result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(i * 4)));
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
            }
            else if (DataType == Float16Type && Raw is { } raw && raw.Length == count * 2)
            {
                for (var i = 0; i < result.Length; i++)
                {
                    result[i] = HalfToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(i * 2)));
                }
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

            return result;
        }

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
                    case (9 << 3) | 2: tensor.Raw = input.ReadBytes().ToByteArray(); break;
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
