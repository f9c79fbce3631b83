namespace SafeChat.Evidence;

/// <summary>Who wrote a message of the thread, relative to the report.</summary>
public enum AuthorRole
{
    /// <summary>Someone else in the room.</summary>
    Other = 0,
    /// <summary>The reported user.</summary>
    ReportedUser = 1,
    /// <summary>The victim.</summary>
    Victim = 2,
}
