using SafeChat.Inference.Models;

namespace SafeChat.Inference.Tests.Onnx;

/// <summary>
/// The checked-in model fixtures (copied next to the test assembly). Fixtures/sparse-model is <see cref="SparseModelFixture"/>'s
/// model with a full card; Fixtures/embedded-model is also embedded as manifest resources. Both are written by
/// SafeChat.Training's ONNX writer; SafeChat.Training.Tests rewrites them and compares the bytes.
/// </summary>
internal static class ModelFixtures
{
    public const string EmbeddedPrefix = "SafeChat.Inference.Tests.EmbeddedModel.";

    public static string SparseModelDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "sparse-model");

    public static byte[] SparseModelBytes() => File.ReadAllBytes(Path.Combine(SparseModelDirectory, ModelCard.ModelFileName));

    /// <summary>Copies Fixtures/sparse-model into <paramref name="directory"/> and returns its card.</summary>
    public static ModelCard CopySparseModel(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(SparseModelDirectory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(directory, Path.GetRelativePath(SparseModelDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }

        return ModelCard.Parse(File.ReadAllBytes(Path.Combine(directory, ModelCard.CardFileName)));
    }
}
