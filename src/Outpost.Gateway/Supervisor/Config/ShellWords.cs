using System.Text;

namespace Outpost.Gateway.Supervisor.Config;

/// <summary>Splits a command line the way Python's <c>shlex.split</c> does (POSIX mode), as supervisord does before exec.</summary>
/// <remarks>
/// No shell is involved: quotes group words, a backslash escapes the next character outside quotes, and inside double
/// quotes only <c>\"</c> and <c>\\</c> are escapes. <c>;</c>, <c>|</c>, <c>$VAR</c> and <c>#</c> are plain characters.
/// </remarks>
internal static class ShellWords
{
    /// <summary>Splits <paramref name="command"/>; on failure returns <see langword="false"/> and a short reason.</summary>
    public static bool TrySplit(string command, out IReadOnlyList<string> words, out string error)
    {
        ArgumentNullException.ThrowIfNull(command);
        var result = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        words = result;
        error = string.Empty;

        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            if (quote == '\'')
            {
                if (c == '\'')
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (quote == '"')
            {
                if (c == '"')
                {
                    quote = '\0';
                }
                else if (c == '\\' && i + 1 < command.Length && command[i + 1] is '"' or '\\')
                {
                    current.Append(command[++i]);
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    result.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (c == '\\')
            {
                if (i + 1 >= command.Length)
                {
                    error = "no escaped character after the final backslash";
                    return false;
                }

                current.Append(command[++i]);
                inWord = true;
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (quote != '\0')
        {
            error = $"no closing quotation ({quote})";
            return false;
        }

        if (inWord)
        {
            result.Add(current.ToString());
        }

        return true;
    }
}
