namespace Crm.Tests;

/// <summary>Queries, aggregates and reports against the expectations of tests/capi/query_test.cc and report_test.cc.</summary>
public class QueryTests : IDisposable
{
    private static readonly DateTimeOffset Jan = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly CrmDatabase _db = TestWorkspace.OpenEmpty();
    private readonly List<long> _ids = new();

    public QueryTests()
    {
        _db.DefineField(new FieldDefinition { Name = "ltv", Type = FieldType.Decimal, Scale = 2, Indexed = true });
        _db.DefineField(new FieldDefinition { Name = "region_code", Type = FieldType.Choice, Options = ["north", "south"] });
        _db.DefineField(new FieldDefinition { Name = "seats", Type = FieldType.Integer });
        _db.DefineField(new FieldDefinition { Name = "since", Type = FieldType.Date });
        _db.DefineField(new FieldDefinition { Name = "vip", Type = FieldType.Boolean });
        Add("Ada Lovelace", "ada@example.com", "customer", 12000.50m, "north", 10, new DateOnly(2023, 12, 31), ["vip", "b2b"], "+44 20 7946 0001");
        Add("Bob Builder", "bob@example.com", "customer", 9999.99m, "north", 3, new DateOnly(2024, 1, 1), ["b2b"]);
        Add("Carla Díaz", "carla@example.com", "lead", 15000.00m, "south", 25, new DateOnly(2024, 1, 31), ["vip"]);
        Add("Dan O'Neil", null, "prospect", null, null, null, null, null);
        Add("Eve 100% Real_Name", "eve@example.com", "customer", 10000.00m, "south", 7, new DateOnly(2024, 2, 1), null);
    }

    public void Dispose() => _db.Dispose();

    private void Add(string name, string? email, string stage, decimal? ltv, string? region, long? seats,
        DateOnly? since, string[]? tags, string? phone = null)
    {
        var row = new Dictionary<string, object?> { ["name"] = name, ["stage"] = stage };
        if (email is not null) row["email"] = email;
        if (ltv is not null) row["ltv"] = ltv;
        if (region is not null) row["region_code"] = region;
        if (seats is not null) row["seats"] = seats;
        if (since is not null) row["since"] = since;
        if (tags is not null) row["tags"] = tags;
        if (phone is not null) row["phone"] = phone;
        _ids.Add(_db.CreateCustomer(row));
    }

    private string[] Names(Query query) => _db.Query(query).Select(r => r.GetString("name")).ToArray();

    private string[] Names(string filter, params object?[] parameters) => Names(new Query(filter, parameters));

    [Fact]
    public void FiltersAcrossOperatorFamilies()
    {
        // Comparison.
        Assert.Equal(["Carla Díaz"], Names("stage = 'lead'"));
        Assert.Equal(["Carla Díaz", "Dan O'Neil"], Names("stage != 'customer'"));
        Assert.Equal(["Ada Lovelace", "Carla Díaz"], Names("ltv > 10000"));
        Assert.Equal(["Ada Lovelace", "Carla Díaz", "Eve 100% Real_Name"], Names("ltv >= 10000"));
        Assert.Equal(["Ada Lovelace", "Eve 100% Real_Name"], Names("seats between 5 and 10"));
        // Sets and nulls.
        Assert.Equal(["Carla Díaz", "Dan O'Neil"], Names("stage in ('lead', 'prospect')"));
        Assert.Equal(["Carla Díaz", "Dan O'Neil", "Eve 100% Real_Name"], Names("region_code not in ('north')"));
        Assert.Equal(["Dan O'Neil"], Names("email is null"));
        // Text.
        Assert.Empty(Names("name contains 'Lace'"));
        Assert.Equal(["Ada Lovelace"], Names("name icontains 'LACE'"));
        Assert.Equal(["Bob Builder"], Names("name istarts with 'bo'"));
        Assert.Equal(["Carla Díaz"], Names("name ends with 'íaz'"));
        Assert.Equal(["Eve 100% Real_Name"], Names("name icontains '100%'"));
        Assert.Equal(["Dan O'Neil"], Names("name contains ''''"));
        // Lists.
        Assert.Equal(["Ada Lovelace", "Carla Díaz"], Names("tags has 'vip'"));
        Assert.Equal(["Ada Lovelace", "Bob Builder"], Names("tags has any ('b2b', 'nothing')"));
        Assert.Equal(["Ada Lovelace"], Names("tags has all ('vip', 'b2b')"));
        // Dates and relative time.
        Assert.Equal(["Bob Builder", "Carla Díaz"], Names("since >= '2024-01-01' and since < '2024-02-01'"));
        Assert.Equal(5, Names("created_at within last 1 days").Length);
        Assert.Empty(Names("created_at within previous year"));
        // Boolean logic.
        Assert.Equal(["Carla Díaz"], Names("(stage = 'lead' or stage = 'prospect') and seats > 5"));
        Assert.Equal(["Dan O'Neil"], Names("not (stage = 'customer' or stage = 'lead')"));
        Assert.Equal(5, Names("").Length);
        Assert.Equal(5, Names(new Query()).Length);
    }

    [Fact]
    public void PositionalAndNamedParameters()
    {
        var q = new Query("ltv >= :min and region_code = ? and seats > ?", "north", 5).Parameter("min", 10000m);
        Assert.Equal(["Ada Lovelace"], Names(q));
        Assert.Equal(["Bob Builder", "Carla Díaz"],
            Names(new Query("since between :from and :to").Parameter("from", new DateOnly(2024, 1, 1)).Parameter("to", new DateOnly(2024, 1, 31))));
        Assert.Equal(["Ada Lovelace"], Names("tags has ? and tags has ?", "vip", "b2b"));
        // A parameter is a value, never SQL.
        Assert.Empty(Names("name = ?", "x' OR '1'='1"));

        var missing = Assert.Throws<InvalidArgumentException>(() => _db.Count(new Query("ltv >= :min")));
        Assert.Equal("min", missing.Field);
        Assert.Equal("parameter", missing.Rule);
        Assert.Equal(7, missing.Position);
        Assert.Throws<ArgumentException>(() => new Query("x = ?", 1.5));  // no binary floating point
    }

    [Fact]
    public void SyntaxAndValidationErrorsCarryThePosition()
    {
        var syntax = Assert.Throws<InvalidArgumentException>(() => _db.Query(new Query("stage = 'lead' and")).ToList());
        Assert.Equal("syntax", syntax.Rule);
        Assert.Equal(18, syntax.Position);
        Assert.Equal(StatusCode.InvalidArgument, syntax.Code);

        var scale = Assert.Throws<ValidationException>(() => _db.Count(new Query("ltv > 1.234")));
        Assert.Equal("scale", scale.Rule);
        Assert.Equal(6, scale.Position);

        var unknown = Assert.Throws<ValidationException>(() => _db.QueryPage(new Query("nosuchfield = 1")));
        Assert.Equal("unknown_field", unknown.Rule);
        Assert.Equal(0, unknown.Position);

        // Not about a position: null.
        var notFound = Assert.Throws<NotFoundException>(() => _db.GetCustomer(999_999));
        Assert.Null(notFound.Position);
    }

    [Fact]
    public void SelectSortTypedValuesAndCount()
    {
        var q = new Query("stage != 'prospect'").Select("name", "ltv", "since", "tags", "vip").OrderBy("ltv", descending: true);
        QueryPage page = _db.QueryPage(q);
        Assert.Null(page.NextCursor);
        Assert.Equal(4, page.Rows.Count);
        QueryRow first = page.Rows[0];
        Assert.Equal(_ids[2], first.Id);
        Assert.Equal(15000.00m, first.GetDecimal("ltv"));
        Assert.Equal("15000.00", first.GetDecimal("ltv").ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new DateOnly(2024, 1, 31), first.GetDateOnly("since"));
        Assert.Equal(["vip"], first.GetList("tags"));
        Assert.False(first.ContainsKey("email"));  // not selected
        Assert.Equal(["Carla Díaz", "Ada Lovelace", "Eve 100% Real_Name", "Bob Builder"], page.Rows.Select(r => r.GetString("name")));
        Assert.Equal(4, _db.Count(q));

        QueryRow ada = _db.Query(new Query("id = ?", _ids[0])).Single();
        Assert.Equal("ada@example.com", ada.GetString("email"));
        Assert.Equal(10L, ada.GetInt64("seats"));
        Assert.Equal(_ids[0], ada.Id);  // the id is the row's Id, not a column
        Assert.InRange(ada.GetDateTimeOffset("created_at"), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(TimeSpan.Zero, ada.GetDateTimeOffset("created_at").Offset);

        // Rows with no value sort first ascending.
        Assert.Equal("Dan O'Neil", Names(new Query().OrderBy("ltv")).First());
        AssertExplains(new Query("ltv > 10000"), sqliteIndex: true);
        AssertExplains(new Query("seats > 3"), sqliteIndex: false);
    }

    // The plan is the backend's own text, one step per line (crm.h,
    // "Backends: what differs"): SQLite's wording says when the index of an
    // indexed field is used; PostgreSQL's planner may read five rows either
    // way, and names the table it reads (tests/capi/postgres_parity_test.cc
    // checks its index use on enough rows).
    private void AssertExplains(Query query, bool sqliteIndex)
    {
        string plan = _db.Explain(query);
        Assert.EndsWith("\n", plan);
        if (TestWorkspace.OnPostgres) Assert.Contains("crm_customers", plan);
        else Assert.Contains(sqliteIndex ? "USING INDEX" : "SCAN", plan);
    }

    [Fact]
    public void PagingThroughManyRowsReturnsEachOnce()
    {
        var rows = Enumerable.Range(0, 245).Select(i => new Dictionary<string, object?>
        {
            ["name"] = $"Bulk {i:D3}", ["seats"] = (long)(i % 13), ["stage"] = "lead",
        });
        _db.InsertMany(rows);
        Assert.Equal(250, _db.CountCustomers());

        var q = new Query { PageSize = 40 }.OrderBy("seats", descending: true).OrderBy("name");
        var seen = _db.Query(q).Select(r => r.Id).ToList();
        Assert.Equal(250, seen.Count);
        Assert.Equal(250, seen.Distinct().Count());

        // Page by page: 7 pages of at most 40, the last without a cursor.
        int pages = 0;
        string? cursor = null;
        var ids = new List<long>();
        do
        {
            QueryPage page = _db.QueryPage(q, cursor);
            Assert.True(page.Rows.Count <= 40);
            ids.AddRange(page.Rows.Select(r => r.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);
        Assert.Equal(7, pages);
        Assert.Equal(seen, ids);
        Assert.Equal(245 + 1, _db.Count(new Query("stage = ?", "lead")));

        var bad = Assert.Throws<InvalidArgumentException>(() => _db.QueryPage(q, "q1.garbage"));
        Assert.Equal("cursor", bad.Rule);
    }

    [Fact]
    public void AggregateSumsDecimalsExactly()
    {
        using (var tx = _db.BeginTransaction())
        {
            _db.InsertMany(Enumerable.Range(0, 1000).Select(_ => new Dictionary<string, object?>
            {
                ["name"] = "x", ["stage"] = "customer", ["region_code"] = "south", ["ltv"] = 0.10m,
            }));
            tx.Commit();
        }
        var q = new Query("stage = 'customer'")
            .GroupBy("region_code")
            .Aggregate(AggregateFunction.Count)
            .Aggregate(AggregateFunction.Sum, "ltv", "total")
            .Aggregate(AggregateFunction.Avg, "ltv")
            .Aggregate(AggregateFunction.Max, "ltv");
        IReadOnlyList<QueryRow> groups = _db.Aggregate(q);
        Assert.Equal(2, groups.Count);
        QueryRow north = groups[0], south = groups[1];
        Assert.Equal("north", north.GetString("region_code"));
        Assert.Equal(2L, north.GetInt64("count"));
        Assert.Equal(22000.49m, north.GetDecimal("total"));
        Assert.Equal(11000.2450m, north.GetDecimal("avg_ltv"));
        Assert.Equal(12000.50m, north.GetDecimal("max_ltv"));
        Assert.Equal("south", south.GetString("region_code"));
        Assert.Equal(1001L, south.GetInt64("count"));
        Assert.Equal(10100.00m, south.GetDecimal("total"));      // 1000 × 0.10 + 10000.00, exactly
        Assert.Equal("10100.00", south.GetDecimal("total").ToString(System.Globalization.CultureInfo.InvariantCulture));

        IReadOnlyList<IReadOnlyDictionary<string, object?>> asDictionaries = groups;
        Assert.Equal("north", asDictionaries[0]["region_code"]);
        Assert.Throws<InvalidArgumentException>(() => _db.Aggregate(new Query()));  // neither group nor aggregate
    }

    [Fact]
    public void EventPropertySumsAreExact()
    {
        _db.AppendEvents(new[] { "0.10", "0.20", "0.3", "1000.005" }.Select(amount => new EventInput
        {
            CustomerId = _ids[0], Type = "deal.won",
            Properties = new Dictionary<string, object?> { ["amount"] = decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), ["seats"] = 2L },
        }));
        var q = Query.Events("type = 'deal.won'")
            .Aggregate(AggregateFunction.Sum, "properties.amount", "won")
            .Aggregate(AggregateFunction.Avg, "properties.amount", "avg")
            .Aggregate(AggregateFunction.Sum, "properties.seats", "seats");
        QueryRow row = Assert.Single(_db.Aggregate(q));
        Assert.Equal("1000.605", row.GetDecimal("won").ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(250.15125m, row.GetDecimal("avg"));
        Assert.Equal(8L, row.GetInt64("seats"));

        _db.AppendEvent(new EventInput
        {
            CustomerId = _ids[0], Type = "deal.won", Properties = new Dictionary<string, object?> { ["amount"] = "a lot" },
        });
        var error = Assert.Throws<ValidationException>(() => _db.Aggregate(q));
        Assert.Equal("properties.amount", error.Field);
    }

    [Fact]
    public void EventAggregatesByMonthAndCustomerFields()
    {
        long ada = _ids[0], carla = _ids[2];
        // 2023-12-31T23:59:59Z, 2024-01-01, 2024-01-31T23:00Z, 2024-02-01, 2024-03-31T12:00Z, 2024-04-01.
        long[] seconds = [1704067199, 1704067200, 1706742000, 1706745600, 1711886400, 1711929600];
        _db.AppendEvents(seconds.Select(s => new EventInput
        {
            CustomerId = ada, Type = "order.placed", Channel = "web", OccurredAt = DateTimeOffset.FromUnixTimeSeconds(s),
        }));
        _db.AppendEvent(new EventInput { CustomerId = ada, Type = "ticket.opened", Channel = "phone", OccurredAt = Jan });
        _db.AppendEvent(new EventInput { CustomerId = carla, Type = "ticket.opened", Channel = "email", OccurredAt = Jan });

        var months = _db.Aggregate(Query.Events("type = 'order.placed'")
                .GroupBy("occurred_at", Bucket.Month).Aggregate(AggregateFunction.Count))
            .ToDictionary(r => r.GetString("occurred_at"), r => r.GetInt64("count"));
        Assert.Equal(new Dictionary<string, long>
        {
            ["2023-12"] = 1, ["2024-01"] = 2, ["2024-02"] = 1, ["2024-03"] = 1, ["2024-04"] = 1,
        }, months);
        var quarters = _db.Aggregate(Query.Events("type = ?", "order.placed")
                .GroupBy("occurred_at", Bucket.Quarter).Aggregate(AggregateFunction.Count, alias: "n"))
            .Select(r => (r.GetString("occurred_at"), r.GetInt64("n")));
        Assert.Equal([("2023-Q4", 1L), ("2024-Q1", 4L), ("2024-Q2", 1L)], quarters);

        // Events reach their customer's fields.
        var tickets = Query.Events("type = 'ticket.opened' and customer.stage = :stage").Parameter("stage", "customer");
        Assert.Equal(1, _db.Count(tickets));
        QueryRow ticket = _db.Query(tickets).Single();
        Assert.Equal(ada, ticket.GetInt64("customer_id"));
        Assert.Equal("phone", ticket.GetString("channel"));
        Assert.Equal(Jan, ticket.GetDateTimeOffset("occurred_at"));
        Assert.Equal("ticket.opened", _db.GetEvent(ticket.Id).Type);  // Id is the event's seq
        Assert.Throws<ValidationException>(() => _db.Count(Query.Events("stage = 'lead'")));
    }

    [Fact]
    public void FillRatesAndArchivedFields()
    {
        var rates = _db.FillRates().ToDictionary(r => r.Field);
        Assert.Equal((5L, 5L), (rates["name"].Filled, rates["name"].Total));
        Assert.Equal(4L, rates["ltv"].Filled);
        Assert.Equal(3L, rates["tags"].Filled);
        Assert.Equal(0L, rates["vip"].Filled);
        Assert.Equal(0.8, rates["ltv"].Rate, 3);

        _db.ArchiveField("seats");
        var archived = Assert.Throws<ValidationException>(() => _db.Count(new Query("seats > 5")));
        Assert.Equal("archived", archived.Rule);
        Assert.Equal(3, _db.Count(new Query("seats > 5") { IncludeArchived = true }));
    }

    [Fact]
    public void SearchWithPrefixAndPhoneNumber()
    {
        _db.CreateCustomer(new Dictionary<string, object?> { ["name"] = "Lovelace Holdings" });
        Assert.Equal(2, _db.Search("lovelace").Count);
        Assert.Equal(["Ada Lovelace", "Lovelace Holdings"], _db.Search("love*").Select(r => r.GetString("name")).Order());
        QueryRow hit = Assert.Single(_db.Search("442079460001"));
        Assert.Equal(_ids[0], hit.Id);
        Assert.Single(_db.Search("love*", limit: 1));
        Assert.Empty(_db.Search("\"OR NEAR( * ^"));
        Assert.Throws<ValidationException>(() => _db.Search("   "));
        Assert.Equal(1, _db.Count(new Query("search matches 'holdings'")));
    }

    [Fact]
    public void SegmentsCountLiveAndProtectTheirFields()
    {
        _db.SaveSegment("northern customers", "region_code = 'north' and stage = 'customer'");
        _db.SaveSegment("tickets", "type = 'ticket.opened'", QueryTarget.Events);
        Assert.Equal(2, _db.SegmentCount("northern customers"));
        _db.CreateCustomer(new Dictionary<string, object?> { ["name"] = "Zed", ["region_code"] = "north", ["stage"] = "customer" });
        Assert.Equal(3, _db.SegmentCount("northern customers"));
        Assert.Equal(0, _db.SegmentCount("tickets"));

        var used = Assert.Throws<ConstraintException>(() => _db.DeleteField("region_code"));
        Assert.Equal("segment", used.Rule);
        Assert.Throws<InvalidArgumentException>(() => _db.SaveSegment("bad", "ltv > :min"));

        var segments = _db.Segments().OrderBy(s => s.Name).ToList();
        Assert.Equal(
            [new Segment("northern customers", QueryTarget.Customers, "region_code = 'north' and stage = 'customer'", 3),
             new Segment("tickets", QueryTarget.Events, "type = 'ticket.opened'", 0)],
            segments);

        _db.DeleteSegment("northern customers");
        Assert.Throws<NotFoundException>(() => _db.SegmentCount("northern customers"));
        _db.DeleteField("region_code");
    }

    [Fact]
    public void ASegmentThatCannotRunIsListedWithItsErrorAndNoCount()
    {
        _db.SaveSegment("big accounts", "seats > 5");
        _db.SaveSegment("leads", "stage = 'lead'");
        _db.ArchiveField("seats");

        // libcrm lists the segment with an "error" column instead of a count;
        // the others are listed as usual.
        var segments = _db.Segments().ToDictionary(s => s.Name);
        Segment broken = segments["big accounts"];
        Assert.Null(broken.Count);
        Assert.False(broken.CanRun);
        var refused = Assert.Throws<ValidationException>(() => _db.SegmentCount("big accounts"));
        Assert.Equal("archived", refused.Rule);
        Assert.Equal(refused.Detail, broken.Error);
        Assert.Contains("seats", broken.Error);
        Assert.Equal(new Segment("leads", QueryTarget.Customers, "stage = 'lead'", 1), segments["leads"]);
        Assert.True(segments["leads"].CanRun);

        _db.RestoreField("seats");
        Assert.Equal(new Segment("big accounts", QueryTarget.Customers, "seats > 5", 3),
            _db.Segments().Single(s => s.Name == "big accounts"));
    }

    [Fact]
    public void CohortOfTicketsWithinSixtyDaysOfFirstPurchase()
    {
        long a = _ids[0], b = _ids[1], c = _ids[2];
        var feb = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero);
        EventInput E(long customer, string type, DateTimeOffset at) => new() { CustomerId = customer, Type = type, OccurredAt = at };
        _db.AppendEvents([
            E(a, "order.placed", Jan), E(a, "order.placed", Jan.AddDays(90)),
            E(a, "ticket.opened", Jan.AddDays(10)), E(a, "ticket.opened", Jan.AddDays(59)), E(a, "ticket.opened", Jan.AddDays(61)),
            E(b, "order.placed", Jan.AddDays(5)),
            E(c, "order.placed", feb), E(c, "ticket.opened", feb.AddDays(1)),
        ]);
        IReadOnlyList<CohortRow> cohorts = _db.Cohort("order.placed", "ticket.opened", 60, Bucket.Month);
        Assert.Equal([new CohortRow("2024-01", 2, 1, 2), new CohortRow("2024-02", 1, 1, 1)], cohorts);
        Assert.Equal(0.5, cohorts[0].ConversionRate);
        Assert.Equal([new CohortRow("all", 3, 2, 3)], _db.Cohort("order.placed", "ticket.opened", 60, Bucket.None));
        Assert.Throws<InvalidArgumentException>(() => _db.Cohort("order.placed", "ticket.opened", 0, Bucket.None));
    }

    /// <summary>The window the README documents: [first event, first event + N days), N days being N × 24 hours.</summary>
    [Fact]
    public void CohortWindowStartsAtTheFirstEventAndEndsBeforeNDaysAfterIt()
    {
        long a = _ids[0], b = _ids[1];
        DateTimeOffset first = Jan.AddHours(10), end = first.AddDays(30);
        EventInput E(long customer, string type, DateTimeOffset at) => new() { CustomerId = customer, Type = type, OccurredAt = at };
        _db.AppendEvents([
            E(a, "order.placed", first), E(a, "order.placed", first.AddDays(3)),
            E(a, "ticket.opened", first.AddTicks(-10)),   // before: not counted
            E(a, "ticket.opened", first),                 // at the first event: counted
            E(a, "ticket.opened", end.AddTicks(-10)),     // the last microsecond: counted
            E(a, "ticket.opened", end),                   // N days later: not counted
            E(b, "order.placed", first), E(b, "ticket.opened", end),
        ]);
        Assert.Equal([new CohortRow("2024-01", 2, 1, 2)], _db.Cohort("order.placed", "ticket.opened", 30, Bucket.Month));
        // The same type twice: the first event itself falls in its window.
        Assert.Equal([new CohortRow("all", 2, 2, 3)], _db.Cohort("order.placed", "order.placed", 30, Bucket.None));
    }

    [Fact]
    public void QueryIsCopiedWhenEnumerationStartsAndChecksArguments()
    {
        var q = new Query("stage = 'lead'");
        IEnumerable<QueryRow> rows = _db.Query(q);
        q.Filter = "stage = 'customer'";
        Assert.Equal("Carla Díaz", Assert.Single(rows).GetString("name"));  // copied at the call, run lazily
        Assert.Throws<ArgumentOutOfRangeException>(() => new Query { PageSize = 0 });
        Assert.Throws<InvalidArgumentException>(() => _db.QueryPage(new Query { PageSize = 10_001 }));
        var both = new Query("name = ?", "a").Parameter("1", "b");  // "1" bound by position and by name
        Assert.Throws<ArgumentException>(() => _db.Count(both));
    }
}
