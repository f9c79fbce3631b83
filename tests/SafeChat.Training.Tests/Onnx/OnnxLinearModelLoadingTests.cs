using Google.Protobuf;
using SafeChat.Inference.Models;
using SafeChat.Inference.Onnx;
using SafeChat.Training.Onnx;

namespace SafeChat.Training.Tests.Onnx;

public sealed class OnnxLinearModelLoadingTests
{
    [Fact]
    public void FromBytes_UnexpectedInputs_ThrowsInvalidDataDescribingThem()
    {
        var proto = OnnxModelWriter.BuildSparseLinear(SparseModelSpec.Model, SparseModelSpec.Info());
        proto.Graph.Input[0].Name = "tokens";
        proto.Graph.Node.Single(n => n.OpType == "Gather").Input[1] = "tokens";

        var error = Assert.Throws<InvalidDataException>(() => OnnxLinearModel.FromBytes(proto.ToByteArray()));

        Assert.Contains("expected inputs ids:int64", error.Message, StringComparison.Ordinal);
        Assert.Contains("tokens:int64[batch,length]", error.Message, StringComparison.Ordinal);
    }

}
