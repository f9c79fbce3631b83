namespace SafeChat.Inference.Onnx;

/// <summary>
/// One graph input or output as ONNX Runtime reports it (or as <see cref="LinearGraphReader"/> reads it from the graph):
/// the name, the ONNX element type code (<c>TensorProto.DataType</c>, the same numbers as ONNX Runtime's
/// <c>TensorElementType</c>) and its name as the model card writes it, and the dimensions, -1 for a symbolic or unknown
/// one (then named in <see cref="SymbolicDimensions"/>, empty when unnamed).
/// </summary>
internal sealed record OnnxTensorInfo(string Name, int ElementType, string TypeName, int[] Dimensions, string[] SymbolicDimensions)
{
    /// <summary>ONNX <c>TensorProto.DataType</c> FLOAT.</summary>
    public const int FloatType = 1;

    /// <summary>ONNX <c>TensorProto.DataType</c> INT64.</summary>
    public const int Int64Type = 7;

    /// <summary>The shape as text, e.g. <c>[batch,32]</c> (an unnamed unknown dimension is <c>?</c>).</summary>
    public string ShapeText => "[" + string.Join(",", Dimensions.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : SymbolicDimensions.Length > i && SymbolicDimensions[i].Length > 0 ? SymbolicDimensions[i] : "?")) + "]";

    /// <summary>
    /// The card's name of an ONNX element type code (the lower-case <c>TensorElementType</c> name, as ONNX Runtime's
    /// metadata gives it), or null for a code not named here (such a graph is left to ONNX Runtime).
    /// </summary>
    public static string? NameOf(int elementType) => elementType switch
    {
        1 => "float",
        2 => "uint8",
        3 => "int8",
        4 => "uint16",
        5 => "int16",
        6 => "int32",
        7 => "int64",
        8 => "string",
        9 => "bool",
        10 => "float16",
        11 => "double",
        12 => "uint32",
        13 => "uint64",
        16 => "bfloat16",
        _ => null,
    };
}
