namespace SafeChat.Inference.Models;

/// <summary>A model card that is missing, malformed or inconsistent.</summary>
public class ModelCardException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelCardException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ModelCardException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the cause.</summary>
    public ModelCardException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the card file and the JSON path at fault.</summary>
    public ModelCardException(string fileName, string? jsonPath, string message, Exception? innerException = null)
        : base(FormatMessage(fileName, jsonPath, message), innerException)
    {
        FileName = fileName;
        JsonPath = jsonPath;
    }

    /// <summary>The card file (with its source), when known.</summary>
    public string? FileName { get; }

    /// <summary>The JSON path at fault, e.g. <c>$.files</c>, when known.</summary>
    public string? JsonPath { get; }

    private static string FormatMessage(string fileName, string? jsonPath, string message)
        => jsonPath is null ? $"{fileName}: {message}" : $"{fileName}: {jsonPath}: {message}";
}
