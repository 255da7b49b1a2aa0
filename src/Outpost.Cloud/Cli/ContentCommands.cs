using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;
using Outpost.Cloud.Management;
using Outpost.Cloud.Management.Contracts;

namespace Outpost.Cloud.Cli;

/// <summary>
/// <c>outpost content …</c>: a product's content area (app tarballs and other files gateways download). Uploads
/// send the sha256 computed here, so the server refuses a file that changed on the way.
/// </summary>
internal static class ContentCommands
{
    public static Command Create() => CliActions.Group("content", "Manage a product's content files",
        UploadCommand(), ListCommand(), InfoCommand(), DownloadCommand(), DeleteCommand());

    private static Command UploadCommand()
    {
        var pid = ProductCommands.PidArgument();
        var file = new Argument<string>("FILE") { Description = "File to upload" };
        var id = new Option<string>("--id") { Description = "Content id (default: the file's name)" };
        var meta = new Option<string>("--meta") { Description = "Free-text meta stored with the file (one line)" };
        var command = new Command("upload", "Upload a file (replaces one with the same id)") { pid, file, id, meta };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var path = parse.GetValue(file)!;
            CliActions.RequireFile(path, "file");

            var contentId = parse.GetValue(id) ?? Path.GetFileName(path);
            var length = new FileInfo(path).Length;
            string sha256;
            await using (var stream = File.OpenRead(path))
            {
                sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
            }

            var (reply, replaced) = await TransferProgress.RunAsync($"upload {contentId}", length, progress =>
                session.Client.UploadContentAsync(parse.GetValue(pid)!, contentId, new FileUploadContent(path, length, ContentType(path), progress), sha256, parse.GetValue(meta), ct));
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
            }
            else
            {
                session.Output.Line($"{(replaced ? "replaced" : "uploaded")} {reply.Value.Id} ({Output.Bytes(reply.Value.Size)}, sha256 {reply.Value.Sha256})");
            }
        });
        return command;
    }

    private static Command ListCommand()
    {
        var pid = ProductCommands.PidArgument();
        var command = new Command("list", "List a product's content") { pid };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.ListContentAsync(parse.GetValue(pid)!, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            session.Output.Table(["ID", "SIZE", "TYPE", "UPDATED", "META"],
                reply.Value.Select(c => new[] { c.Id, Output.Bytes(c.Size), c.ContentType, Output.Time(c.Updated), c.Meta.Length == 0 ? "-" : c.Meta }));
        });
        return command;
    }

    private static Command InfoCommand()
    {
        var pid = ProductCommands.PidArgument();
        var id = ContentIdArgument();
        var command = new Command("info", "Show one file's size, sha256, type and meta") { pid, id };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.GetContentAsync(parse.GetValue(pid)!, parse.GetValue(id)!, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            ContentDto c = reply.Value;
            session.Output.Fields(
            [
                ("id", c.Id),
                ("size", $"{Output.Bytes(c.Size)} ({c.Size} bytes)"),
                ("sha256", c.Sha256),
                ("type", c.ContentType),
                ("meta", c.Meta),
                ("updated", Output.Time(c.Updated)),
            ]);
        });
        return command;
    }

    private static Command DownloadCommand()
    {
        var pid = ProductCommands.PidArgument();
        var id = ContentIdArgument();
        var output = new Option<string>("--output", "-o") { Description = "Where to write it: a file, or a directory to write ID in (default: ./ID; '-' for stdout)" };
        var command = new Command("download", "Download a file; its sha256 is checked") { pid, id, output };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var contentId = parse.GetValue(id)!;
            var target = DownloadTarget(parse.GetValue(output), contentId);
            using var response = await session.Client.DownloadContentAsync(parse.GetValue(pid)!, contentId, ct);
            var expected = response.Headers.TryGetValues("X-Content-SHA256", out var values) ? values.FirstOrDefault() : null;
            var length = response.Content.Headers.ContentLength ?? 0;

            if (target == "-")
            {
                await using var stdout = Console.OpenStandardOutput();
                await CopyCheckedAsync(session.Client, response, stdout, expected, new ImmediateProgress(_ => { }), ct);
                return;
            }

            // Temp file + rename: an interrupted or corrupt download never leaves a half file under the real name.
            var temp = target + ".part";
            try
            {
                await TransferProgress.RunAsync($"download {contentId}", length, async progress =>
                {
                    await using var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                    await CopyCheckedAsync(session.Client, response, file, expected, progress, ct);
                    return true;
                });
                File.Move(temp, target, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }

            if (!session.Output.Json)
            {
                session.Output.Line($"downloaded {contentId} to {target} ({Output.Bytes(new FileInfo(target).Length)})");
            }
        });
        return command;
    }

    /// <summary>
    /// Where a download goes, checked before anything is fetched: <c>-o DIR</c> means <c>DIR/ID</c> (as <c>cp</c> does),
    /// and a directory that does not exist is named, not found out after the whole file came.
    /// </summary>
    private static string DownloadTarget(string? output, string contentId)
    {
        if (output is null or "-")
        {
            return output ?? contentId;
        }

        if (Directory.Exists(output))
        {
            return Path.Combine(output, contentId);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(output));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw CliError.Usage($"cannot write {output}: directory {directory} does not exist");
        }

        return output;
    }

    private static Command DeleteCommand()
    {
        var pid = ProductCommands.PidArgument();
        var id = ContentIdArgument();
        var command = new Command("delete", "Delete a file") { pid, id };
        command.SetApiAction(async (parse, session, ct) =>
        {
            await session.Client.DeleteContentAsync(parse.GetValue(pid)!, parse.GetValue(id)!, ct);
            if (!session.Output.Json)
            {
                session.Output.Line($"deleted {parse.GetValue(id)}");
            }
        });
        return command;
    }

    private static async Task CopyCheckedAsync(ManagementClient client, HttpResponseMessage response, System.IO.Stream target, string? expectedSha256, IProgress<long> progress, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long received = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), ct);
                received += read;
                progress.Report(received);
            }
        }
        catch (HttpRequestException ex)
        {
            throw client.ConnectionLost(ex);
        }
        catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException)
        {
            throw client.ConnectionLost(ex);
        }

        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (expectedSha256 is not null && !string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new CliError($"download is corrupt: sha256 {actual}, the server says {expectedSha256}", ExitCodes.Api);
        }
    }

    /// <summary>The server's own guesses first (so .tar.gz is application/gzip everywhere), then the usual extension table.</summary>
    private static string ContentType(string path)
    {
        var name = Path.GetFileName(path);
        var guess = ContentApi.GuessType(name);
        if (guess != "application/octet-stream")
        {
            return guess;
        }

        return new FileExtensionContentTypeProvider().TryGetContentType(name, out var type) ? type : guess;
    }

    private static Argument<string> ContentIdArgument() => new("ID") { Description = "Content id (a file name such as app.v1.tar.gz)" };
}
