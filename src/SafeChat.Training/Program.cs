using SafeChat.Training;

// safechat-train [options]: what `safechat train` did before training became its own tool.
return await TrainCommand.RunAsync(args, Console.Out, Console.Error);
