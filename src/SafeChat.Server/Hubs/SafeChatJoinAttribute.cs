namespace SafeChat.Server.Hubs;

/// <summary>
/// Marks a hub method as "join a room": the SafeChat hub filter asks the policy first, and the method runs only when the
/// join is allowed. The method must have a <see cref="string"/> parameter for the room id.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class SafeChatJoinAttribute : Attribute
{
    /// <summary>The name of the room id parameter. Default <c>roomId</c>.</summary>
    public string RoomParameter { get; set; } = "roomId";
}
