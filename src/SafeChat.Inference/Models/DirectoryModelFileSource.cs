using System.Diagnostics.CodeAnalysis;

namespace SafeChat.Inference.Models;

/// <summary>Model files in a directory on disk.</summary>
public sealed class DirectoryModelFileSource : IModelFileSource
{
    private readonly string _root;

    /// <summary>Creates a source over <paramref name="directory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public DirectoryModelFileSource(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _root = Path.GetFullPath(directory);
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"Model directory '{_root}' does not exist.");
        }
    }

    /// <inheritdoc />
    public string DisplayName => _root;

    /// <inheritdoc />
    public bool TryOpenRead(string name, [NotNullWhen(true)] out Stream? stream)
    {
        ModelFileNames.ThrowIfUnsafe(name);
        var path = Path.GetFullPath(Path.Combine(_root, name));
        var rootWithSeparator = Path.EndsInDirectorySeparator(_root) ? _root : _root + Path.DirectorySeparatorChar;
        if (!path.StartsWith(rootWithSeparator, StringComparison.Ordinal) || !File.Exists(path))
        {
            stream = null;
            return false;
        }

        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return true;
    }
}
