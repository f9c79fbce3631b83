using System.CommandLine;
using SafeChat.Policies;

namespace SafeChat.Cli;

/// <summary><c>safechat policy validate|list|show</c>.</summary>
internal static class PolicyVerb
{
    public static Command Create(CliContext context)
    {
        var command = new Command("policy", "Validate a policy file, list the presets, or print a preset.");

        var target = new Argument<string>("FILE|PRESET") { Description = "a policy file, or a preset name" };
        var validate = new Command("validate", "Load a policy file (or preset) and report every error as file:line:column: path: reason.") { target };
        validate.SetAction(parse => Validate(context, parse.GetRequiredValue(target)));

        var list = new Command("list", "List the embedded presets with their description and rule count.");
        list.SetAction(_ => List(context));

        var name = new Argument<string>("PRESET") { Description = "a preset name (see 'safechat policy list')" };
        var show = new Command("show", "Print a preset's JSON (a good start for your own policy file).") { name };
        show.SetAction(parse => Show(context, parse.GetRequiredValue(name)));

        command.Add(validate);
        command.Add(list);
        command.Add(show);
        return command;
    }

    private static int Validate(CliContext context, string pathOrPreset)
    {
        try
        {
            var definition = DefaultPolicy.Definition(pathOrPreset);
            var engine = new PolicyEngine(definition);
            context.Output.WriteLine($"ok: {pathOrPreset}: policy {engine.Version}, {definition.Rules.Count} rules");
            return CliApplication.ExitOk;
        }
        catch (PolicyValidationException ex)
        {
            context.Error.WriteLine(ex.Message);
            return CliApplication.ExitFailure;
        }
    }

    private static int List(CliContext context)
    {
        foreach (var preset in PolicyPresets.Names)
        {
            var definition = PolicyPresets.Load(preset);
            var suffix = preset == PolicyPresets.Default ? " (default)" : "";
            context.Output.WriteLine($"{preset}{suffix}\t{definition.Rules.Count} rules\t{definition.Description}");
        }

        return CliApplication.ExitOk;
    }

    private static int Show(CliContext context, string preset)
    {
        if (!PolicyPresets.Exists(preset))
        {
            context.Error.WriteLine($"error: unknown preset '{preset}' (known: {string.Join(", ", PolicyPresets.Names)}).");
            return CliApplication.ExitFailure;
        }

        context.Output.Write(PolicyPresets.GetSource(preset).TrimEnd() + "\n");
        return CliApplication.ExitOk;
    }
}
