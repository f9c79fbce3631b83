namespace SafeChat.Policies;

/// <summary>What a rule reacts to.</summary>
public enum RuleTrigger
{
    /// <summary>A message (file: <c>"on": "message"</c>, the default).</summary>
    Message = 0,
    /// <summary>A user asking to join a room (file: <c>"on": "join"</c>).</summary>
    Join = 1,
}
