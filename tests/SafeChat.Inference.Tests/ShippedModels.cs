namespace SafeChat.Inference.Tests;

/// <summary>The models embedded in <c>SafeChat.Inference</c>, written out for tests that load or alter them on disk.</summary>
internal static class ShippedModels
{
    /// <summary>Writes every embedded file of <paramref name="modelId"/> (card included, byte for byte) into <c>root/modelId</c>; returns that folder.</summary>
    public static string Extract(string modelId, string root)
    {
        var assembly = typeof(OnnxSafetyScorer).Assembly;
        string prefix = $"SafeChat.Models.{modelId}.";
        string directory = Path.Combine(root, modelId);
        Directory.CreateDirectory(directory);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var file = File.Create(Path.Combine(directory, name[prefix.Length..]));
            stream.CopyTo(file);
        }

        return directory;
    }
}
