using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Crm;

/// <summary>
/// How a merge gives the survivor a field's value (crm.h, "Merging customers"): one of the
/// named rules, or <see cref="Value"/>, a value of the field's type.
/// </summary>
public sealed class MergeRule
{
    private MergeRule(string? name, object? value)
    {
        Name = name;
        GivenValue = value;
    }

    /// <summary>The survivor's value, also when it is empty.</summary>
    public static MergeRule Survivor { get; } = new("survivor", null);

    /// <summary>libcrm's default: the survivor's value, else the first merged customer's (in the
    /// order of the merged ids) that holds one.</summary>
    public static MergeRule FirstNonEmpty { get; } = new("first_non_empty", null);

    /// <summary>Of the customers holding a value, the one last written.</summary>
    public static MergeRule MostRecent { get; } = new("most_recent", null);

    /// <summary>The longest text; the first of equals.</summary>
    public static MergeRule Longest { get; } = new("longest", null);

    /// <summary>The sum of the values (integer and decimal fields).</summary>
    public static MergeRule Sum { get; } = new("sum", null);

    /// <summary>Every item, the survivor's first, no item twice (tags and multiple choice fields).</summary>
    public static MergeRule Union { get; } = new("union", null);

    /// <summary>
    /// <paramref name="value"/> itself, a value of the field's type as a write takes it (string,
    /// long or int, decimal, bool, DateOnly, DateTimeOffset, a sequence of strings); null
    /// empties the field.
    /// </summary>
    /// <exception cref="ArgumentException">The value's .NET type is not supported.</exception>
    public static MergeRule Value(object? value)
    {
        CrmValue.From(value, nameof(value));   // refuses an unsupported type here, not at the merge
        return new MergeRule(null, value);
    }

    /// <summary>The rule's name in crm.h ("most_recent", ...); null for a <see cref="Value"/> rule.</summary>
    public string? Name { get; }

    /// <summary>The value a <see cref="Value"/> rule gives (null for the named rules).</summary>
    public object? GivenValue { get; }

    /// <inheritdoc/>
    public override string ToString() => Name ?? $"value {GivenValue ?? "null"}";
}

/// <summary>The rules of <see cref="CrmDatabase.Merge"/>: per field, and for the other fields.</summary>
public sealed record MergeOptions
{
    /// <summary>The rule of every field <see cref="Fields"/> does not name; null: libcrm's default,
    /// <see cref="MergeRule.FirstNonEmpty"/>.</summary>
    public MergeRule? Default { get; init; }

    /// <summary>Rules by field name. Read-only fields keep the survivor's values whatever the rule.</summary>
    public IReadOnlyDictionary<string, MergeRule>? Fields { get; init; }
}

/// <summary>What a merge did (crm.h, <c>crm_customer_merge</c>).</summary>
/// <param name="MergeId">The merge's id (the seq of its "crm.record.merged" event on the survivor);
/// <see cref="CrmDatabase.Unmerge"/> takes it.</param>
/// <param name="SurvivorId">The customer the others were merged into.</param>
/// <param name="MergedIds">The customers merged, in the order given.</param>
/// <param name="Version">The survivor's version after the merge.</param>
/// <param name="ChangedFields">The survivor's fields the rules changed.</param>
/// <param name="ReferencesMoved">Reference values of other customers moved to the survivor.</param>
public sealed record MergeResult(
    long MergeId,
    long SurvivorId,
    IReadOnlyList<long> MergedIds,
    long Version,
    IReadOnlyList<string> ChangedFields,
    long ReferencesMoved);

/// <summary>
/// A survivor's field that an unmerge left as it is because it was changed after the merge.
/// Values are .NET values of the field's type, as <see cref="Customer"/> holds them (null for
/// empty).
/// </summary>
/// <param name="Field">The field's name.</param>
/// <param name="Current">Its value now, which it keeps.</param>
/// <param name="Merged">The value the merge gave it.</param>
/// <param name="Before">Its value before the merge.</param>
public sealed record MergeConflict(string Field, object? Current, object? Merged, object? Before);

/// <summary>What an unmerge did (crm.h, <c>crm_customer_unmerge</c>).</summary>
/// <param name="MergeId">The merge undone.</param>
/// <param name="SurvivorId">Its survivor.</param>
/// <param name="RestoredIds">The customers that are customers again.</param>
/// <param name="Version">The survivor's version after the unmerge.</param>
/// <param name="RevertedFields">The survivor's fields set back to their values before the merge.</param>
/// <param name="Conflicts">The survivor's fields changed since the merge, kept as they are.</param>
/// <param name="ReferencesRestored">Reference values pointed back at a restored customer.</param>
/// <param name="DroppedFieldIds">Ids of fields deleted since the merge, whose values the restored
/// customers could not take back (the fields are gone: ids, no names).</param>
public sealed record UnmergeResult(
    long MergeId,
    long SurvivorId,
    IReadOnlyList<long> RestoredIds,
    long Version,
    IReadOnlyList<string> RevertedFields,
    IReadOnlyList<MergeConflict> Conflicts,
    long ReferencesRestored,
    IReadOnlyList<long> DroppedFieldIds);

/// <summary>A merged id whose chain of merges ends at the id asked about.</summary>
/// <param name="Id">The merged id.</param>
/// <param name="MergeId">The merge that merged it.</param>
/// <param name="Into">The customer it was merged into (the survivor of that merge).</param>
public sealed record MergeLink(long Id, long MergeId, long Into);

/// <summary>What merges say of an id (crm.h, <c>crm_customer_merges</c>).</summary>
/// <param name="Id">The id asked about.</param>
/// <param name="MergedInto">The customer it was merged into; null when it is not merged.</param>
/// <param name="SurvivorId">Where its chain of merges ends now; null when it is not merged.</param>
/// <param name="MergeId">The merge that merged it; null when it is not merged.</param>
/// <param name="Merged">The ids merged into it (directly or through earlier merges), by id.</param>
public sealed record MergeInfo(long Id, long? MergedInto, long? SurvivorId, long? MergeId, IReadOnlyList<MergeLink> Merged)
{
    /// <summary>True when the id was merged into another customer.</summary>
    public bool IsMerged => MergedInto is not null;
}

/// <summary>Writes the options JSON and reads the JSON crm.h's "Merging customers" section describes.</summary>
internal static class MergeJson
{
    // Keeps non-ASCII text as UTF-8 instead of \u escapes.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>crm_customer_merge's options_json; null (the defaults) when nothing is set.</summary>
    internal static string? Options(MergeOptions? options)
    {
        if (options is null || (options.Default is null && options.Fields is null)) return null;
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartObject();
            if (options.Default is { } rule)
            {
                if (rule.Name is null) throw new ArgumentException("Default must be a named rule, not a value.", nameof(options));
                w.WriteString("default", rule.Name);
            }
            if (options.Fields is { } fields)
            {
                w.WriteStartObject("fields");
                foreach ((string field, MergeRule fieldRule) in fields)
                {
                    string name = CrmValue.CheckName(field, nameof(options));
                    if (fieldRule is null) throw new ArgumentException($"The rule of field '{name}' is null.", nameof(options));
                    w.WritePropertyName(name);
                    WriteRule(w, fieldRule, name);
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>A rule's name, or {"value": v} with v as crm.h reads a JSON Lines cell of the
    /// field: decimals and dates as text, a datetime as UTC microseconds, a list as an array.</summary>
    private static void WriteRule(Utf8JsonWriter w, MergeRule rule, string field)
    {
        if (rule.Name is { } name)
        {
            w.WriteStringValue(name);
            return;
        }
        CrmValue value = CrmValue.From(rule.GivenValue, field);
        w.WriteStartObject();
        w.WritePropertyName("value");
        switch (value.Kind)
        {
            case ValueKind.Text or ValueKind.Decimal or ValueKind.Date: w.WriteStringValue(value.Text); break;
            case ValueKind.Integer or ValueKind.Datetime: w.WriteNumberValue(value.Integer); break;
            case ValueKind.Boolean: w.WriteBooleanValue(value.Integer != 0); break;
            case ValueKind.List:
                w.WriteStartArray();
                foreach (string item in value.Items!) w.WriteStringValue(item);
                w.WriteEndArray();
                break;
            default: w.WriteNullValue(); break;
        }
        w.WriteEndObject();
    }

    internal static MergeResult Result(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        return new MergeResult(root.GetProperty("merge_id").GetInt64(), root.GetProperty("survivor_id").GetInt64(),
            Ids(root, "merged_ids"), root.GetProperty("version").GetInt64(), Names(root, "changed_fields"),
            root.GetProperty("references_moved").GetInt64());
    }

    /// <summary>The unmerge receipt; <paramref name="fieldTypes"/> (read only when there are
    /// conflicts) gives the type of each field, by which a conflict's values are read.</summary>
    internal static UnmergeResult Unmerge(string json, Func<IReadOnlyDictionary<string, string>> fieldTypes)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        var conflicts = new List<MergeConflict>();
        if (root.TryGetProperty("conflicts", out JsonElement listed) && listed.GetArrayLength() > 0)
        {
            IReadOnlyDictionary<string, string> types = fieldTypes();
            foreach (JsonElement item in listed.EnumerateArray())
            {
                string field = item.GetProperty("field").GetString() ?? "";
                string type = types.TryGetValue(field, out string? known) ? known : "";
                conflicts.Add(new MergeConflict(field, ConflictValue(item, "current", type),
                    ConflictValue(item, "merged", type), ConflictValue(item, "before", type)));
            }
        }
        return new UnmergeResult(root.GetProperty("merge_id").GetInt64(), root.GetProperty("survivor_id").GetInt64(),
            Ids(root, "restored_ids"), root.GetProperty("version").GetInt64(), Names(root, "reverted_fields"),
            conflicts, root.GetProperty("references_restored").GetInt64(), Ids(root, "dropped_field_ids"));
    }

    internal static MergeInfo Info(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        var merged = new List<MergeLink>();
        if (root.TryGetProperty("merged", out JsonElement links))
        {
            foreach (JsonElement link in links.EnumerateArray())
            {
                merged.Add(new MergeLink(link.GetProperty("id").GetInt64(), link.GetProperty("merge_id").GetInt64(),
                    link.GetProperty("into").GetInt64()));
            }
        }
        return new MergeInfo(root.GetProperty("id").GetInt64(), OptionalId(root, "merged_into"),
            OptionalId(root, "survivor_id"), OptionalId(root, "merge_id"), merged);
    }

    /// <summary>
    /// A conflict's value, of the field's .NET type: JSON has no kind of its own for decimals,
    /// dates and datetimes, which crm.h gives as text, text and UTC microseconds. A value of an
    /// unknown field (or one that does not read as its type) is its JSON value: string, long,
    /// bool or a list of strings.
    /// </summary>
    private static object? ConflictValue(JsonElement item, string name, string type)
    {
        if (!item.TryGetProperty(name, out JsonElement value)) return null;
        try
        {
            switch (type)
            {
                case "decimal" when value.ValueKind == JsonValueKind.String: return CrmValue.ParseDecimal(value.GetString()!);
                case "date" when value.ValueKind == JsonValueKind.String: return CrmValue.ParseDate(value.GetString()!);
                case "datetime" when value.ValueKind == JsonValueKind.Number: return CrmValue.FromMicros(value.GetInt64());
            }
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            // Not of the field's type: left as JSON gives it, below.
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.TryGetInt64(out long integer) ? integer : value.GetDecimal(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Array => Strings(value),
            _ => null,
        };
    }

    private static IReadOnlyList<string> Strings(JsonElement array)
    {
        var items = new List<string>();
        foreach (JsonElement item in array.EnumerateArray()) items.Add(item.GetString() ?? "");
        return items.AsReadOnly();
    }

    private static long? OptionalId(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;

    private static IReadOnlyList<long> Ids(JsonElement root, string name)
    {
        var ids = new List<long>();
        if (root.TryGetProperty(name, out JsonElement array))
            foreach (JsonElement id in array.EnumerateArray()) ids.Add(id.GetInt64());
        return ids;
    }

    private static IReadOnlyList<string> Names(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out JsonElement array)) return [];
        return Strings(array);
    }
}
