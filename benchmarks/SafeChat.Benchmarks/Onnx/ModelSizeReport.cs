using System.Diagnostics;
using System.Globalization;
using SafeChat.Inference.Onnx;
using SafeChat.Training.Onnx;

namespace SafeChat.Benchmarks.Onnx;

/// <summary>
/// <c>--model-sizes</c>: writes the production-size sparse model with float32 and float16 weights and reports file size,
/// write time, session load time (two rounds) and the largest probability difference between the two on 4096 seeded rows.
/// </summary>
internal static class ModelSizeReport
{
    public static int Run(TextWriter output)
    {
        var weights = RealisticSparseModel.Create();
        var (ids, values, lengths) = RealisticSparseModel.Rows(4096, 1, 64, seed: 3);
        var results = new Dictionary<OnnxWeightPrecision, float[]>();

        // Load a tiny model first so the one-off ONNX Runtime start-up is not charged to the first size measured.
        using (OnnxLinearModel.FromBytes(OnnxModelWriter.WriteSparseLinear(new SparseLinearWeights(2, 1, new float[2], new float[1]), new OnnxModelInfo())))
        {
        }

        // Two rounds: the first pays for page faults on fresh memory, the second shows the steady cost.
        foreach (var (round, precision) in new[] { (1, OnnxWeightPrecision.Float32), (1, OnnxWeightPrecision.Float16), (2, OnnxWeightPrecision.Float32), (2, OnnxWeightPrecision.Float16) })
        {
            var watch = Stopwatch.StartNew();
            var bytes = OnnxModelWriter.WriteSparseLinear(weights, new OnnxModelInfo { WeightPrecision = precision });
            var writeTime = watch.Elapsed;
            watch.Restart();
            using var model = OnnxLinearModel.FromBytes(bytes);
            var loadTime = watch.Elapsed;
            var probabilities = new float[lengths.Length * RealisticSparseModel.LabelCount];
            model.RunBatch(ids, values, lengths, probabilities);
            results[precision] = probabilities;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}, {precision}: {bytes.Length:N0} bytes ({bytes.Length / 1048576.0:F2} MiB), write {writeTime.TotalMilliseconds:F0} ms, session load {loadTime.TotalMilliseconds:F0} ms"));
        }

        var full = results[OnnxWeightPrecision.Float32];
        var half = results[OnnxWeightPrecision.Float16];
        var maxDiff = 0.0;
        for (var i = 0; i < full.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(full[i] - half[i]));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"max |p(float32) - p(float16)| over {lengths.Length} rows x {RealisticSparseModel.LabelCount} labels: {maxDiff:E2}"));
        return maxDiff < 1e-3 ? 0 : 1;
    }
}
