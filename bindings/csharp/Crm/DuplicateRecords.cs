using System.Collections.Generic;
using System.Text.Json;

namespace Crm;

/// <summary>One comparison of a duplicate rule and how well it held (0 to 1).</summary>
/// <param name="Compare">The key kind ("phone", "name"...) or the field compared.</param>
/// <param name="Score">1 for an equal key or field, the similarity for a fuzzy name.</param>
public sealed record DuplicateReason(string Compare, double Score);

/// <summary>A customer that is probably the one a record describes (crm.h, "Duplicates"),
/// with the rule that scores it highest.</summary>
/// <param name="Id">The candidate customer's id.</param>
/// <param name="Score">The mean of the rule's comparisons' scores.</param>
/// <param name="Rule">The rule's name.</param>
/// <param name="Reasons">The rule's comparisons and their scores.</param>
public sealed record DuplicateCandidate(long Id, double Score, string Rule, IReadOnlyList<DuplicateReason> Reasons);

/// <summary>Two customers (<paramref name="A"/> &lt; <paramref name="B"/>) a rule matches.</summary>
public sealed record DuplicatePair(long A, long B, double Score, string Rule, IReadOnlyList<DuplicateReason> Reasons);

/// <summary>A connected group of customers a page's pairs form; <paramref name="Score"/> is
/// the lowest score among its pairs.</summary>
public sealed record DuplicateCluster(IReadOnlyList<long> Ids, double Score);

/// <summary>One page of a duplicate scan (crm_duplicates_find).</summary>
/// <param name="Pairs">By B then A.</param>
/// <param name="Clusters">By their lowest id.</param>
/// <param name="Customers">Customers the page covered.</param>
/// <param name="NextAfterId">The cursor of the next page; 0 when the scan is done.</param>
/// <param name="SkippedKeys">Keys held by too many customers to pair on.</param>
public sealed record DuplicatePage(
    IReadOnlyList<DuplicatePair> Pairs,
    IReadOnlyList<DuplicateCluster> Clusters,
    long Customers,
    long NextAfterId,
    long SkippedKeys)
{
    /// <summary>True when this page ends the scan.</summary>
    public bool Done => NextAfterId == 0;
}

/// <summary>The options of <see cref="CrmDuplicates.Find"/>: which rules, the cursor and the
/// page size, with the progress (items are customers covered) and cancellation of
/// <see cref="TransferOptions"/>.</summary>
public sealed record DuplicateFindOptions : TransferOptions
{
    /// <summary>The rules to apply; null or empty: every rule.</summary>
    public IReadOnlyList<string>? Rules { get; init; }

    /// <summary>The cursor: only pairs whose higher id is above it (0: from the start).</summary>
    public long AfterId { get; init; }

    /// <summary>Customers (by id, above <see cref="AfterId"/>) a page covers; 0: all of them.</summary>
    public long PageCustomers { get; init; }
}

/// <summary>Reads the JSON crm.h's "Duplicates" section describes.</summary>
internal static class DuplicateJson
{
    internal static IReadOnlyList<DuplicateCandidate> Candidates(string json)
    {
        using JsonDocument document = JsonDocument.Parse(string.IsNullOrEmpty(json) ? "[]" : json);
        var list = new List<DuplicateCandidate>();
        foreach (JsonElement item in document.RootElement.EnumerateArray())
        {
            list.Add(new DuplicateCandidate(item.GetProperty("id").GetInt64(), item.GetProperty("score").GetDouble(),
                item.GetProperty("rule").GetString() ?? "", Reasons(item)));
        }
        return list;
    }

    internal static DuplicatePage Page(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        var pairs = new List<DuplicatePair>();
        foreach (JsonElement item in root.GetProperty("pairs").EnumerateArray())
        {
            pairs.Add(new DuplicatePair(item.GetProperty("a").GetInt64(), item.GetProperty("b").GetInt64(),
                item.GetProperty("score").GetDouble(), item.GetProperty("rule").GetString() ?? "", Reasons(item)));
        }
        var clusters = new List<DuplicateCluster>();
        foreach (JsonElement item in root.GetProperty("clusters").EnumerateArray())
        {
            var ids = new List<long>();
            foreach (JsonElement id in item.GetProperty("ids").EnumerateArray()) ids.Add(id.GetInt64());
            clusters.Add(new DuplicateCluster(ids, item.GetProperty("score").GetDouble()));
        }
        long Count(string name) => root.TryGetProperty(name, out JsonElement value) ? value.GetInt64() : 0;
        return new DuplicatePage(pairs, clusters, Count("customers"), Count("next_after_id"), Count("skipped_keys"));
    }

    private static IReadOnlyList<DuplicateReason> Reasons(JsonElement item)
    {
        var reasons = new List<DuplicateReason>();
        if (!item.TryGetProperty("reasons", out JsonElement listed)) return reasons;
        foreach (JsonElement reason in listed.EnumerateArray())
            reasons.Add(new DuplicateReason(reason.GetProperty("compare").GetString() ?? "", reason.GetProperty("score").GetDouble()));
        return reasons;
    }
}
