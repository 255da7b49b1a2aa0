using System.CommandLine;
using Outpost.Cloud.Management.Contracts;

namespace Outpost.Cloud.Cli;

/// <summary><c>outpost token …</c>: management API tokens (admin only). A new token's secret is printed once.</summary>
internal static class TokenCommands
{
    public static Command Create() => CliActions.Group("token", "Manage API tokens (needs an admin token)",
        CreateCommand(), ListCommand(), RevokeCommand());

    private static Command CreateCommand()
    {
        var name = new Argument<string>("NAME") { Description = "What the token is for, e.g. ci-deploy" };
        var role = new Option<string>("--role") { Description = "admin, operator (write devices, content) or viewer (read only)", Required = true }
            .OneOf("admin", "operator", "viewer");
        var command = new Command("create", "Create a token; prints its secret once") { name, role };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.CreateTokenAsync(new CreateTokenRequest(parse.GetValue(name), parse.GetValue(role)), ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            // The secret alone on stdout so token=$(outpost token create …) works; the notes go to stderr.
            await Console.Error.WriteLineAsync($"created {reply.Value.Id} ({reply.Value.Name}, {reply.Value.Role}); the secret below is shown only once:");
            session.Output.Line(reply.Value.Token);
        });
        return command;
    }

    private static Command ListCommand()
    {
        var command = new Command("list", "List tokens (never their secrets)");
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.ListTokensAsync(ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            session.Output.Table(["ID", "NAME", "ROLE", "CREATED", "REVOKED"],
                reply.Value.Select(t => new[] { t.Id, t.Name, t.Role, Output.Time(t.Created), t.Revoked is null ? "-" : Output.Time(t.Revoked) }));
        });
        return command;
    }

    private static Command RevokeCommand()
    {
        var id = new Argument<string>("ID") { Description = "Token id (tok_…), as token list shows it" };
        var command = new Command("revoke", "Revoke a token: it stops working at once") { id };
        command.SetApiAction(async (parse, session, ct) =>
        {
            await session.Client.RevokeTokenAsync(parse.GetValue(id)!, ct);
            if (!session.Output.Json)
            {
                session.Output.Line($"revoked {parse.GetValue(id)}");
            }
        });
        return command;
    }
}
