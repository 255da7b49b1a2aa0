using System.Buffers;
using System.Text;

namespace Outpost.Protocol.Forms;

/// <summary>
/// The <c>application/x-www-form-urlencoded</c> codec of the device API, used by the cloud, GMQ and the device client.
/// </summary>
/// <remarks>
/// Why our own and not <c>ReadFormAsync</c>: the device API needs the pairs <em>in order</em> (the record call interleaves
/// <c>alias=a&amp;ts=v&amp;alias=b</c>), keys without <c>=</c> (<c>?a&amp;b</c> on reads), bodies sent without any
/// Content-Type by old clients, and a clear rejection of broken percent-escapes or invalid UTF-8 instead of silently
/// replacing them. Raw reserved characters a client did not encode (<c>sn=AF:14:B9</c>) parse as themselves.
/// </remarks>
public static class FormCodec
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses a form body given as UTF-8 bytes.</summary>
    public static FormParseResult Parse(ReadOnlySpan<byte> body)
    {
        var fields = new List<FormField>();
        var rest = body;
        while (!rest.IsEmpty)
        {
            var amp = rest.IndexOf((byte)'&');
            var pair = amp < 0 ? rest : rest[..amp];
            rest = amp < 0 ? [] : rest[(amp + 1)..];
            // Tolerate the trailing CR/LF some shell clients append to a body.
            pair = TrimLineEnd(pair);
            if (pair.IsEmpty)
            {
                continue;
            }

            var eq = pair.IndexOf((byte)'=');
            var rawKey = eq < 0 ? pair : pair[..eq];
            if (!TryDecode(rawKey, out var key, out var error))
            {
                return FormParseResult.Failure(error);
            }

            if (key.Length == 0)
            {
                return FormParseResult.Failure("a field has an empty name");
            }

            string? value = null;
            if (eq >= 0 && !TryDecode(pair[(eq + 1)..], out value, out error))
            {
                return FormParseResult.Failure(error);
            }

            fields.Add(new FormField(key, value));
        }

        return FormParseResult.Success(fields);
    }

    /// <summary>Parses a form given as a string (a query string without its leading <c>?</c>, say).</summary>
    public static FormParseResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text.StartsWith('?') ? text[1..] : text);
        return Parse(bytes);
    }

    /// <summary>Encodes pairs as <c>k=v&amp;k=v</c>, percent-encoding everything but RFC 3986 unreserved characters.</summary>
    public static string Encode(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var sb = new StringBuilder();
        foreach (var (key, value) in pairs)
        {
            if (sb.Length > 0)
            {
                sb.Append('&');
            }

            AppendEscaped(sb, key);
            sb.Append('=');
            AppendEscaped(sb, value);
        }

        return sb.ToString();
    }

    /// <summary>Percent-encodes one component (key or value).</summary>
    public static string Escape(string component)
    {
        ArgumentNullException.ThrowIfNull(component);
        var sb = new StringBuilder(component.Length + 8);
        AppendEscaped(sb, component);
        return sb.ToString();
    }

    private static void AppendEscaped(StringBuilder sb, string component)
    {
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in component.EnumerateRunes())
        {
            if (rune.IsAscii && IsUnreserved((char)rune.Value))
            {
                sb.Append((char)rune.Value);
                continue;
            }

            var n = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < n; i++)
            {
                sb.Append('%').Append(HexUpper[utf8[i] >> 4]).Append(HexUpper[utf8[i] & 0xF]);
            }
        }
    }

    private const string HexUpper = "0123456789ABCDEF";

    private static bool IsUnreserved(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.' or '_' or '~';

    private static ReadOnlySpan<byte> TrimLineEnd(ReadOnlySpan<byte> s)
    {
        while (!s.IsEmpty && s[^1] is (byte)'\r' or (byte)'\n')
        {
            s = s[..^1];
        }

        return s;
    }

    private static bool TryDecode(ReadOnlySpan<byte> raw, out string decoded, out string error)
    {
        decoded = string.Empty;
        error = string.Empty;
        if (raw.IndexOfAny((byte)'%', (byte)'+') < 0)
        {
            return TryUtf8(raw, out decoded, out error);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            var n = 0;
            for (var i = 0; i < raw.Length; i++)
            {
                var b = raw[i];
                if (b == (byte)'+')
                {
                    buffer[n++] = (byte)' ';
                }
                else if (b == (byte)'%')
                {
                    if (i + 2 >= raw.Length || !TryHex(raw[i + 1], out var hi) || !TryHex(raw[i + 2], out var lo))
                    {
                        error = "a '%' is not followed by two hex digits";
                        return false;
                    }

                    buffer[n++] = (byte)((hi << 4) | lo);
                    i += 2;
                }
                else
                {
                    buffer[n++] = b;
                }
            }

            return TryUtf8(buffer.AsSpan(0, n), out decoded, out error);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool TryUtf8(ReadOnlySpan<byte> bytes, out string text, out string error)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            error = string.Empty;
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            error = "the form is not valid UTF-8";
            return false;
        }
    }

    private static bool TryHex(byte b, out int value)
    {
        value = b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
            _ => -1,
        };
        return value >= 0;
    }
}
