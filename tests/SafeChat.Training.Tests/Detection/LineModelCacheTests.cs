namespace SafeChat.Training.Tests.Detection;

public sealed class LineModelCacheTests
{
    private static List<LineExample> Examples(float weight) =>
    [
        new() { Features = new SparseVector([1, 5], [0.5f, 0.5f]), Labels = [1, 0], Fold = 0, Weight = weight },
        new() { Features = new SparseVector([2], [1f]), Labels = [0, -1], Fold = 1 },
    ];

    [Fact]
    public void Load_AfterSave_ReturnsTheSameFloats()
    {
        string dir = Path.Combine(Path.GetTempPath(), "safechat-line-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cache = new LineModelCache(dir, LineModelCache.Fingerprint(Examples(1f), new TrainingOptions()));
            var model = new LineModel([0.25f, -1.5f, 3f, 0f], [0.125f, -2f]);

            cache.Save("final", model);
            var loaded = cache.Load("final");

            Assert.NotNull(loaded);
            Assert.Equal(model.Weights, loaded.Weights);
            Assert.Equal(model.Bias, loaded.Bias);
            Assert.Null(cache.Load("fold0"));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void Fingerprint_DifferentExampleWeight_Differs()
    {
        var options = new TrainingOptions();

        Assert.Equal(LineModelCache.Fingerprint(Examples(1f), options), LineModelCache.Fingerprint(Examples(1f), options));
        Assert.NotEqual(LineModelCache.Fingerprint(Examples(1f), options), LineModelCache.Fingerprint(Examples(2f), options));
    }
}
