using SafeChat.Samples.ChatServer;

// Starts the sample chat server: chat page at /, moderator page at /moderator.html.
var app = ChatServerApp.Build(args);
app.Run();
