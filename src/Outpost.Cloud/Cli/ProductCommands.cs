using System.CommandLine;
using Outpost.Cloud.Management.Contracts;
using Spectre.Console;

namespace Outpost.Cloud.Cli;

/// <summary><c>outpost product …</c>: create, list, show, delete, clone products, and manage their aliases.</summary>
internal static class ProductCommands
{
    public static Command Create() => CliActions.Group("product", "Manage products and their aliases",
        CreateCommand(), ListCommand(), ShowCommand(), DeleteCommand(), CloneCommand(), AliasCommands());

    private static Command CreateCommand()
    {
        var name = new Argument<string>("NAME") { Description = "Display name" };
        var id = new Option<string>("--id") { Description = "Product id (6-32 lowercase letters and digits); generated when not given" };
        var template = new Option<string>("--template") { Description = "Aliases to start with: gateway (the six gateway aliases) or empty", DefaultValueFactory = _ => "empty" }
            .OneOf("gateway", "empty");
        var provisioning = new Option<string>("--provisioning") { Description = "allowlist: serials must be added first; open: any serial may activate", DefaultValueFactory = _ => "allowlist" }
            .OneOf("allowlist", "open");
        var command = new Command("create", "Create a product; prints its id") { name, id, template, provisioning };
        command.SetApiAction(async (parse, session, ct) =>
        {
            // The API's refusal shows its JSON body ({"name": "..."}); say it in the command's terms.
            if (string.IsNullOrWhiteSpace(parse.GetValue(name)))
            {
                throw CliError.Usage("give the product a name: outpost product create NAME");
            }

            var request = new CreateProductRequest(parse.GetValue(name), parse.GetValue(id), parse.GetValue(template), parse.GetValue(provisioning));
            var reply = await session.Client.CreateProductAsync(request, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
            }
            else
            {
                // Only the id, so scripts can write pid=$(outpost product create …).
                session.Output.Line(reply.Value.Id);
            }
        });
        return command;
    }

    private static Command ListCommand()
    {
        var command = new Command("list", "List products");
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.ListProductsAsync(ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            session.Output.Table(
                ["ID", "NAME", "PROVISIONING", "DEVICES", "ALIASES", "STAGING OF", "CREATED"],
                reply.Value.Select(p => new[] { p.Id, p.Name, p.Provisioning, p.DeviceCount?.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Resources.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), p.StagingOf, Output.Time(p.Created) }));
        });
        return command;
    }

    private static Command ShowCommand()
    {
        var pid = PidArgument();
        var command = new Command("show", "Show a product with its aliases") { pid };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.GetProductAsync(parse.GetValue(pid)!, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            var p = reply.Value;
            session.Output.Fields(
            [
                ("id", p.Id),
                ("name", p.Name),
                ("provisioning", p.Provisioning),
                ("write limit", FormattableString.Invariant($"{p.WriteLimit.PerSecond}/s, burst {p.WriteLimit.Burst}")),
                ("staging of", p.StagingOf),
                ("devices", p.DeviceCount?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("created", Output.Time(p.Created)),
            ]);
            AliasTable(session.Output, p.Resources);
        });
        return command;
    }

    private static Command DeleteCommand()
    {
        var pid = PidArgument();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask: needed when not on a terminal" };
        var command = new Command("delete", "Delete a product with all its devices, values and content") { pid, yes };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var id = parse.GetValue(pid)!;
            if (!parse.GetValue(yes))
            {
                // Deleting a fleet's product is not undoable: a script must say --yes, a person must confirm.
                if (Console.IsInputRedirected || Console.IsOutputRedirected)
                {
                    throw CliError.Usage($"deleting product {id} removes all its devices, values and content: add --yes to confirm");
                }

                if (!await AnsiConsole.ConfirmAsync($"Delete product [bold]{Markup.Escape(id)}[/] with all its devices, values and content?", defaultValue: false, ct))
                {
                    throw CliError.Usage("not deleted");
                }
            }

            await session.Client.DeleteProductAsync(id, ct);
            if (!session.Output.Json)
            {
                session.Output.Line($"deleted product {id}");
            }
        });
        return command;
    }

    private static Command CloneCommand()
    {
        var source = new Argument<string>("SRC") { Description = "Product to copy" };
        var newId = new Argument<string>("NEW") { Description = "Id of the new product (6-32 lowercase letters and digits)" };
        var name = new Option<string>("--name") { Description = "Name of the copy (default: the source's name + \" (copy)\")" };
        var stagingOf = new Option<string>("--staging-of") { Description = "Mark the copy as the staging product of this product" };
        var command = new Command("clone", "Copy a product's aliases, settings and content into a new product; prints its id") { source, newId, name, stagingOf };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.CloneProductAsync(parse.GetValue(source)!, new CloneProductRequest(parse.GetValue(newId), parse.GetValue(name), parse.GetValue(stagingOf)), ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
            }
            else
            {
                session.Output.Line(reply.Value.Id);
            }
        });
        return command;
    }

    private static Command AliasCommands()
    {
        var group = new Command("alias", "Manage a product's aliases (resources)");

        var pid = PidArgument();
        var alias = new Argument<string>("ALIAS") { Description = "Alias name" };
        var format = new Option<string>("--format") { Description = "Value format: string, json or number", Required = true }.OneOf("string", "json", "number");
        var settable = new Option<bool>("--settable") { Description = "The cloud may write it (commands to the device)" };
        var add = new Command("add", "Add an alias") { pid, alias, format, settable };
        add.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.AddAliasAsync(parse.GetValue(pid)!, new ResourceDto(parse.GetValue(alias)!, parse.GetValue(format)!, parse.GetValue(settable)), ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
            }
            else
            {
                session.Output.Line($"added alias {reply.Value.Alias} ({reply.Value.Format}{(reply.Value.Settable ? ", settable" : string.Empty)})");
            }
        });

        var listPid = PidArgument();
        var list = new Command("list", "List a product's aliases") { listPid };
        list.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.ListAliasesAsync(parse.GetValue(listPid)!, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
            }
            else
            {
                AliasTable(session.Output, reply.Value);
            }
        });

        var rmPid = PidArgument();
        var rmAlias = new Argument<string>("ALIAS") { Description = "Alias name" };
        var purge = new Option<bool>("--purge") { Description = "Also delete the alias's stored values (refused without it while values exist)" };
        var rm = new Command("rm", "Remove an alias") { rmPid, rmAlias, purge };
        rm.SetApiAction(async (parse, session, ct) =>
        {
            try
            {
                await session.Client.RemoveAliasAsync(parse.GetValue(rmPid)!, parse.GetValue(rmAlias)!, parse.GetValue(purge), ct);
            }
            catch (CliError refused) when (refused.ProblemCode == Management.ProductsApi.AliasHasValues)
            {
                // The API's detail names its query parameter; here the way out is the command's flag.
                throw new CliError($"alias {parse.GetValue(rmAlias)} has values; remove it with --purge to delete them too", refused.ExitCode);
            }

            if (!session.Output.Json)
            {
                session.Output.Line($"removed alias {parse.GetValue(rmAlias)}");
            }
        });

        group.Subcommands.Add(add);
        group.Subcommands.Add(list);
        group.Subcommands.Add(rm);
        return group;
    }

    private static void AliasTable(Output output, IReadOnlyList<ResourceDto> aliases) =>
        output.Table(["ALIAS", "FORMAT", "SETTABLE"], aliases.Select(r => new[] { r.Alias, r.Format, r.Settable ? "yes" : "no" }));

    internal static Argument<string> PidArgument() => new("PID") { Description = "Product id" };
}
