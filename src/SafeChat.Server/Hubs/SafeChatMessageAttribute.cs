namespace SafeChat.Server.Hubs;

/// <summary>
/// Marks a hub method as "send a chat message": the SafeChat hub filter scores the message before the method runs, and
/// the method runs only when the message may be delivered. The method must have a <see cref="string"/> parameter for the
/// room id and one for the text; an optional one carries the host's message id (a new id is made when absent).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class SafeChatMessageAttribute : Attribute
{
    /// <summary>The name of the room id parameter. Default <c>roomId</c>.</summary>
    public string RoomParameter { get; set; } = "roomId";

    /// <summary>The name of the message text parameter. Default <c>text</c>.</summary>
    public string TextParameter { get; set; } = "text";

    /// <summary>The name of the optional message id parameter. Default <c>messageId</c>; used only when the method has it.</summary>
    public string MessageIdParameter { get; set; } = "messageId";

    /// <summary>
    /// The name of the optional image parameter (a <c>byte[]</c>, base64 in JSON). Default <c>image</c>; used only when
    /// the method has it. A non-empty image becomes the message's attachment, matched against the engine's known-image
    /// hash lists before the method runs; it is never stored.
    /// </summary>
    public string ImageParameter { get; set; } = "image";
}
