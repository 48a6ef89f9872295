using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crm;

/// <summary>
/// Duplicates of a workspace (<see cref="CrmDatabase.Duplicates"/>, crm.h "Duplicates"): the
/// duplicate rules and settings, a customer's match keys, the candidates of a record before it
/// is written, and the scan that finds probable duplicates page by page with a cursor.
/// </summary>
public sealed class CrmDuplicates
{
    private readonly CrmDatabase _db;

    internal CrmDuplicates(CrmDatabase db) => _db = db;

    /// <summary>The duplicate rules: Define, Get, List, Drop.</summary>
    public CrmDuplicateRules Rules => new(_db);

    /// <summary>The duplicate settings: the default region of phone numbers.</summary>
    public CrmDuplicateSettings Settings => new(_db);

    /// <summary>Customer <paramref name="id"/>'s match keys, by kind then key. On a restricted
    /// handle keys of fields it hides or masks are left out.</summary>
    /// <exception cref="NotFoundException">No such customer.</exception>
    public IReadOnlyList<(string Kind, string Key)> MatchKeys(long id)
    {
        Errors.Check(Native.crm_customer_match_keys(out StringHandle json, _db.Handle, id));
        using (json)
        using (JsonDocument keys = JsonDocument.Parse(json.Text()))
        {
            var list = new List<(string, string)>();
            foreach (JsonElement key in keys.RootElement.EnumerateArray())
                list.Add((key.GetProperty("kind").GetString() ?? "", key.GetProperty("key").GetString() ?? ""));
            return list;
        }
    }

    /// <summary>The customers every rule (whatever its actions) finds for a record of
    /// <paramref name="values"/> as it would be written: a "did you mean" before a create. Best
    /// first, at most 20; nothing is written.</summary>
    public IReadOnlyList<DuplicateCandidate> Candidates(IReadOnlyDictionary<string, object?> values)
    {
        DbHandle handle = _db.Handle;
        using RecordHandle record = RecordWriter.Build(values, nameof(values));
        Errors.Check(Native.crm_duplicate_candidates(out StringHandle json, handle, record));
        using (json) return DuplicateJson.Candidates(json.Text());
    }

    /// <summary>The candidates of a stored customer as it stands now (read again by its id):
    /// the other customers every rule finds for it.</summary>
    /// <exception cref="NotFoundException">The customer is no longer there.</exception>
    public IReadOnlyList<DuplicateCandidate> Candidates(Customer customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        DbHandle handle = _db.Handle;
        int status = Native.crm_customer_get(out RecordHandle record, handle, customer.Id);
        using (record)
        {
            Errors.Check(status);
            Errors.Check(Native.crm_duplicate_candidates(out StringHandle json, handle, record));
            using (json) return DuplicateJson.Candidates(json.Text());
        }
    }

    /// <summary>
    /// One page of the workspace scan: the pairs a rule (of <see cref="DuplicateFindOptions.Rules"/>)
    /// matches whose higher id is among the <see cref="DuplicateFindOptions.PageCustomers"/>
    /// customers above <see cref="DuplicateFindOptions.AfterId"/>, with their clusters. Go on
    /// with <c>AfterId = page.NextAfterId</c> until <see cref="DuplicatePage.Done"/>.
    /// </summary>
    /// <exception cref="NotFoundException">An unknown rule name (rule "duplicate").</exception>
    /// <exception cref="CrmCancelledException">The progress callback or token stopped it.</exception>
    /// <exception cref="CrmDeniedException">A restricted handle (rule "operation").</exception>
    public unsafe DuplicatePage Find(DuplicateFindOptions? options = null)
    {
        options ??= new DuplicateFindOptions();
        if (options.AfterId < 0) throw new ArgumentOutOfRangeException(nameof(options), "AfterId must be 0 or more.");
        if (options.PageCustomers < 0) throw new ArgumentOutOfRangeException(nameof(options), "PageCustomers must be 0 or more.");
        string? rules = null;
        if (options.Rules is { Count: > 0 })
        {
            foreach (string? name in options.Rules)
            {
                if (name is null) throw new ArgumentException("Rules must not contain null.", nameof(options));
                if (name.Contains(',')) throw new ArgumentException($"A rule name holds no ',': '{name}'.", nameof(options));
            }
            rules = string.Join(",", options.Rules);
        }
        DbHandle handle = _db.Handle;
        using var strings = new Utf8Allocations();
        using var relay = new ProgressRelay(options);
        Native.DuplicateFindOptions native = Native.DuplicateFindOptions.Init();
        native.Rules = strings.String(rules, nameof(options));
        native.AfterId = options.AfterId;
        native.PageCustomers = options.PageCustomers;
        native.Progress = relay.Function;
        native.ProgressContext = relay.Context;
        StringHandle json;
        relay.Check(Native.crm_duplicates_find(out json, handle, &native));
        using (json) return DuplicateJson.Page(json.Text());
    }

    /// <summary>The scan as pages of <see cref="DuplicateFindOptions.PageCustomers"/> customers
    /// (50,000 when 0), from <see cref="DuplicateFindOptions.AfterId"/>; each page's
    /// <see cref="DuplicatePage.NextAfterId"/> resumes it if the loop stops early.</summary>
    public IEnumerable<DuplicatePage> Pages(DuplicateFindOptions? options = null)
    {
        options ??= new DuplicateFindOptions();
        if (options.PageCustomers == 0) options = options with { PageCustomers = 50000 };
        while (true)
        {
            DuplicatePage page = Find(options);
            yield return page;
            if (page.Done) yield break;
            options = options with { AfterId = page.NextAfterId };
        }
    }
}

/// <summary>The duplicate rules of a workspace (at most 20), defined in JSON (crm.h,
/// "Duplicates"). Unrestricted handles only: on a restricted one every call throws
/// <see cref="CrmDeniedException"/>, rule "operation".</summary>
public sealed class CrmDuplicateRules
{
    private readonly CrmDatabase _db;

    internal CrmDuplicateRules(CrmDatabase db) => _db = db;

    /// <summary>Defines or replaces the rule <paramref name="json"/> names, e.g.
    /// <c>{"name": "same_phone", "compare": [{"key": "phone"}], "action": "warn"}</c>.</summary>
    /// <exception cref="ValidationException">A bad definition (rule "duplicate"), or a 21st rule
    /// (rule "max_items").</exception>
    /// <exception cref="NotFoundException">A field that does not exist (rule "unknown_field").</exception>
    public void Define(string json) =>
        Errors.Check(Native.crm_duplicate_rule_define(_db.Handle, Text(json, nameof(json))));

    /// <summary>Rule <paramref name="name"/> in its canonical JSON (every key present, actions
    /// for every operation).</summary>
    /// <exception cref="NotFoundException">No such rule (rule "duplicate").</exception>
    public string Get(string name)
    {
        Errors.Check(Native.crm_duplicate_rule_get(out StringHandle json, _db.Handle, Text(name, nameof(name))));
        using (json) return json.Text();
    }

    /// <summary>Every rule's canonical JSON, by name.</summary>
    public IReadOnlyList<string> List()
    {
        Errors.Check(Native.crm_duplicate_rule_list(out StringHandle json, _db.Handle));
        using (json)
        using (JsonDocument rules = JsonDocument.Parse(json.Text()))
        {
            var list = new List<string>();
            foreach (JsonElement rule in rules.RootElement.EnumerateArray()) list.Add(rule.GetRawText());
            return list;
        }
    }

    /// <summary>Drops rule <paramref name="name"/>.</summary>
    /// <exception cref="NotFoundException">No such rule (rule "duplicate").</exception>
    public void Drop(string name) =>
        Errors.Check(Native.crm_duplicate_rule_drop(_db.Handle, Text(name, nameof(name))));

    internal static string Text(string? value, string parameter) =>
        CrmValue.CheckText(value ?? throw new ArgumentNullException(parameter), parameter);
}

/// <summary>The workspace's duplicate settings (crm.h, crm_duplicate_settings_set).</summary>
public sealed class CrmDuplicateSettings
{
    private readonly CrmDatabase _db;

    internal CrmDuplicateSettings(CrmDatabase db) => _db = db;

    /// <summary>The settings as JSON, e.g. <c>{"default_region": "NO"}</c>.</summary>
    public string Get()
    {
        Errors.Check(Native.crm_duplicate_settings_get(out StringHandle json, _db.Handle));
        using (json) return json.Text();
    }

    /// <summary>The region (ISO 3166, e.g. "NO") a phone number without country code is read
    /// in; "" for none.</summary>
    public string DefaultRegion
    {
        get
        {
            using JsonDocument settings = JsonDocument.Parse(Get());
            return settings.RootElement.GetProperty("default_region").GetString() ?? "";
        }
    }

    /// <summary>Sets the default region ("" for none); every customer's phone key is rebuilt
    /// in the same transaction.</summary>
    /// <exception cref="ValidationException">A region libphonenumber does not know (rule "duplicate").</exception>
    public void SetDefaultRegion(string region)
    {
        string text = CrmDuplicateRules.Text(region, nameof(region));
        string json = new JsonObject { ["default_region"] = text }.ToJsonString();
        Errors.Check(Native.crm_duplicate_settings_set(_db.Handle, json));
    }
}
