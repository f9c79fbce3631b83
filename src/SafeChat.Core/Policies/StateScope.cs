namespace SafeChat.Policies;

/// <summary>How widely a rule's fire-once state is shared.</summary>
public enum StateScope
{
    /// <summary>Once per (rule, conversation, subject), the default.</summary>
    Conversation = 0,
    /// <summary>Once per (rule, subject) across all conversations (for fan-out rules).</summary>
    Subject = 1,
}
