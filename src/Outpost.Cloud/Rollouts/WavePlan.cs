using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Outpost.Cloud.Rollouts;

/// <summary>
/// The waves of a rollout (<c>1,10%,50%,100%</c>: cumulative counts or percentages of the target) and which devices
/// fall in each. Pure: the same rollout id and serials always give the same canaries, so a re-run picks them again.
/// </summary>
internal static class WavePlan
{
    public static bool TryParse(string text, out IReadOnlyList<WaveSize> waves, out string error)
    {
        waves = [];
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "waves must list at least one wave, e.g. 1,10%,100%";
            return false;
        }

        var list = new List<WaveSize>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var percent = raw.EndsWith('%');
            var number = percent ? raw[..^1] : raw;
            if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                || value <= 0 || (percent && value > 100) || (!percent && value != Math.Floor(value)))
            {
                error = $"wave '{raw}' must be a whole count ≥ 1 or a percentage in (0, 100]";
                return false;
            }

            list.Add(new WaveSize(value, percent));
        }

        // Waves are cumulative, so they must grow (in the same unit; mixed units are checked against the target later).
        for (var i = 1; i < list.Count; i++)
        {
            if (list[i].IsPercent == list[i - 1].IsPercent && list[i].Value <= list[i - 1].Value)
            {
                error = $"waves are cumulative and must grow: {list[i - 1]} then {list[i]}";
                return false;
            }
        }

        waves = list;
        return true;
    }

    /// <summary>The target's serials in this rollout's stable order: SHA-256 of <c>rolloutId:serial</c>.</summary>
    public static IReadOnlyList<string> Order(string rolloutId, IEnumerable<string> serials) =>
        serials.Distinct(StringComparer.Ordinal)
            .Select(s => (Serial: s, Key: Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(rolloutId + ":" + s)))))
            .OrderBy(x => x.Key, StringComparer.Ordinal)
            .ThenBy(x => x.Serial, StringComparer.Ordinal)
            .Select(x => x.Serial)
            .ToList();

    /// <summary>
    /// Assigns each ordered serial its wave (0-based). Cumulative reaches never shrink; devices past the last wave's reach
    /// (a last wave below 100%) get no wave (-1).
    /// </summary>
    public static IReadOnlyList<int> Assign(IReadOnlyList<WaveSize> waves, int targetCount)
    {
        var result = new int[targetCount];
        Array.Fill(result, -1);
        var from = 0;
        for (var w = 0; w < waves.Count; w++)
        {
            var reach = Math.Max(from, waves[w].Reach(targetCount));
            for (var i = from; i < reach; i++)
            {
                result[i] = w;
            }

            from = reach;
        }

        return result;
    }
}
