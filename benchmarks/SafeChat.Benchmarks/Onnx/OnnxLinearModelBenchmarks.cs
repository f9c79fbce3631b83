using BenchmarkDotNet.Attributes;
using SafeChat.Inference.Onnx;
using SafeChat.Training.Onnx;

namespace SafeChat.Benchmarks.Onnx;

/// <summary>
/// <see cref="OnnxLinearModel"/> on a production-size sparse model written by <see cref="OnnxModelWriter"/> at start-up:
/// one message (L = 32) and a batch of 64 messages (L between 8 and 32, padded to the longest).
/// </summary>
[MemoryDiagnoser]
public class OnnxLinearModelBenchmarks
{
    private const int SingleLength = 32;
    private const int BatchRows = 64;

    private string _directory = "";
    private OnnxLinearModel _model = null!;
    private long[] _singleIds = [];
    private float[] _singleValues = [];
    private long[] _batchIds = [];
    private float[] _batchValues = [];
    private int[] _batchLengths = [];
    private float[] _probabilities = [];

    /// <summary>How W is stored in the file.</summary>
    [Params(OnnxWeightPrecision.Float32, OnnxWeightPrecision.Float16)]
    public OnnxWeightPrecision Precision { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "safechat-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "model.onnx");
        OnnxModelWriter.WriteSparseLinear(RealisticSparseModel.Create(), new OnnxModelInfo { GraphName = "bench-signals", WeightPrecision = Precision }, path);
        _model = OnnxLinearModel.FromFile(path);
        (_singleIds, _singleValues, _) = RealisticSparseModel.Rows(1, SingleLength, SingleLength, seed: 1);
        (_batchIds, _batchValues, _batchLengths) = RealisticSparseModel.Rows(BatchRows, 8, SingleLength, seed: 2);
        _probabilities = new float[BatchRows * RealisticSparseModel.LabelCount];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "Run, 1 row, L=32")]
    public float RunSingle()
    {
        _model.Run(_singleIds, _singleValues, _probabilities);
        return _probabilities[0];
    }

    [Benchmark(Description = "RunBatch, 64 rows, L=8..32")]
    public float RunBatch()
    {
        _model.RunBatch(_batchIds, _batchValues, _batchLengths, _probabilities);
        return _probabilities[0];
    }
}
