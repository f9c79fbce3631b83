namespace SafeChat.Training;
