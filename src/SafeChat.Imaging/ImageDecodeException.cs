namespace SafeChat.Imaging;

/// <summary>An image could not be decoded (not an image, a format StbImageSharp does not read, or a truncated file).</summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImageDecodeException()
        : this("The image could not be decoded.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The reason; never contains image bytes or user data.</param>
    public ImageDecodeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the decoder's error.</summary>
    /// <param name="message">The reason.</param>
    /// <param name="innerException">The decoder's error.</param>
    public ImageDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
