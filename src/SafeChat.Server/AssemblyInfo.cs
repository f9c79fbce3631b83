namespace SafeChat.Server;
