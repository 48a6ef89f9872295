// The binding rows of the benchmark table, for C#: insert ROWS customers in
// batches and fetch them all back through the binding (bindings/csharp).
//
//   CRM_LIBRARY=/path/to/libcrm.so dotnet run -c Release --project benchmarks/bindings/csharp -- \
//       [--rows N] [--batch N] [--repeat N] [--json FILE]
//
// The load is the one crm_benchmarks times through the C ABI as
// create_customers and fetch_customers (same fields, same values, same
// batches; see benchmarks/dataset.cc), so run_bindings.sh can divide one by
// the other:
// - insert: ROWS customers (5 standard fields, 10 user fields) in batches of
//   BATCH, one InsertMany per batch; the rows are made before the clock
//   starts, encoding them is timed;
// - fetch: every customer back with those 15 fields, PageSize BATCH (at most
//   10,000), in id order, as .NET values, through CrmDatabase.Query, streamed
//   (rows are not kept), as the C ABI's fetch_customers does.
// Each run checks its counts and a sample of the values it read back (a wrong
// result exits 1). Times are the median of --repeat runs, each on a new file.
// A first, small run warms the JIT up and is not counted.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Crm;

string[] columns =
[
    "name", "email", "phone", "city", "external_id", "segment", "revenue", "active",
    "signup_date", "last_contact", "plan", "interests", "notes", "employees", "credit_limit",
];
string[] cities = ["Lisbon", "Porto", "Madrid", "Lyon", "Berlin", "Munich", "Milan", "Vienna", "Prague", "Krakow", "Ghent", "Utrecht"];
string[] tags = ["vip", "newsletter", "b2b", "retail", "partner"];
string[] plans = ["basic", "plus", "premium", "enterprise"];
const int Sample = 997;  // every 997th row read is compared with the row written
var epoch2023 = new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);

int rowCount = 100_000, batch = 10_000, repeat = 1;
string? jsonPath = null;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--rows": rowCount = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--batch": batch = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--repeat": repeat = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--json": jsonPath = Next(); break;
        default:
            Console.Error.WriteLine("usage: BindingBench [--rows N] [--batch N] [--repeat N] [--json FILE]");
            return 2;
    }
}
if (rowCount < 1 || batch < 1 || repeat < 1)
{
    Console.Error.WriteLine("--rows, --batch and --repeat must be positive");
    return 2;
}

// Customer k, as benchmarks/dataset.cc MakeCustomer makes it.
Dictionary<string, object?> MakeCustomer(int k, int segments) => new()
{
    ["name"] = $"Customer {k}",
    ["email"] = $"c{k}@example.com",
    ["phone"] = $"+1 555 {k}",
    ["city"] = cities[k % 12],
    ["external_id"] = $"ERP-{k}",
    ["segment"] = (long)(k % segments),
    ["revenue"] = ((long)k * 7919 % 10_000_000) / 100m,
    ["active"] = k % 3 != 0,
    ["signup_date"] = new DateOnly(2015 + k % 10, 1 + k % 12, 1 + k % 28),
    ["last_contact"] = epoch2023.AddSeconds((long)k * 37),
    ["plan"] = plans[k % 4],
    ["interests"] = Enumerable.Range(0, k % 3 + 1).Select(t => tags[(k + t) % 5]).ToArray(),
    ["notes"] = $"Prefers email; imported from the ERP, account {k}",
    ["employees"] = (long)(k % 5000),
    ["credit_limit"] = (k % 100) * 100_000 / 100m,
};

List<Dictionary<string, object?>> MakeRows(int count)
{
    int segments = Math.Max(1, count / 200);
    return Enumerable.Range(0, count).Select(k => MakeCustomer(k, segments)).ToList();
}

static bool Same(object? written, object? read) => (written, read) switch
{
    (string[] a, IReadOnlyList<string> b) => a.SequenceEqual(b),
    (DateTimeOffset a, DateTimeOffset b) => a == b,
    _ => Equals(written, read),
};

(double Insert, double Fetch) Run(List<Dictionary<string, object?>> rows)
{
    string directory = Path.Combine(Path.GetTempPath(), $"crm-bindings-{Guid.NewGuid():N}");
    Directory.CreateDirectory(directory);
    try
    {
        using var db = CrmDatabase.Open(Path.Combine(directory, "bench.crm"));
        db.DefineField(new FieldDefinition { Name = "segment", Type = FieldType.Integer, Indexed = true });
        db.DefineField(new FieldDefinition { Name = "revenue", Type = FieldType.Decimal, Scale = 2 });
        db.DefineField(new FieldDefinition { Name = "active", Type = FieldType.Boolean });
        db.DefineField(new FieldDefinition { Name = "signup_date", Type = FieldType.Date });
        db.DefineField(new FieldDefinition { Name = "last_contact", Type = FieldType.DateTime });
        db.DefineField(new FieldDefinition { Name = "plan", Type = FieldType.Choice, Options = plans });
        db.DefineField(new FieldDefinition { Name = "interests", Type = FieldType.Tags });
        db.DefineField(new FieldDefinition { Name = "notes", Type = FieldType.Text });
        db.DefineField(new FieldDefinition { Name = "employees", Type = FieldType.Integer, Min = 0L });
        db.DefineField(new FieldDefinition { Name = "credit_limit", Type = FieldType.Decimal, Scale = 2 });

        var clock = Stopwatch.StartNew();
        for (int at = 0; at < rows.Count; at += batch)
            db.InsertMany(rows.GetRange(at, Math.Min(batch, rows.Count - at)));
        double insert = clock.Elapsed.TotalSeconds;
        var query = new Query().Select(columns);
        query.PageSize = Math.Min(batch, 10_000);
        // Rows stream through, as the C ABI's fetch_customers reads them: each
        // is converted to .NET values, every 997th compared with its source.
        clock.Restart();
        int read = 0;
        foreach (QueryRow row in db.Query(query))
        {
            if (read < rows.Count && read % Sample == 0)
                foreach (string column in columns)
                    if (!Same(rows[read][column], row[column]))
                        throw new InvalidOperationException($"row {read}: {column} written as {rows[read][column]}, read as {row[column]}");
            read++;
        }
        double fetch = clock.Elapsed.TotalSeconds;

        if (db.Count(new Query()) != rows.Count || read != rows.Count)
            throw new InvalidOperationException($"wrote {rows.Count} rows, fetched {read}");
        return (insert, fetch);
    }
    finally
    {
        Directory.Delete(directory, recursive: true);
    }
}

static double Median(List<double> values)
{
    values.Sort();
    return values[values.Count / 2];
}

Run(MakeRows(Math.Min(rowCount, 2_000)));  // JIT warm-up, not counted
var data = MakeRows(rowCount);
var inserts = new List<double>();
var fetches = new List<double>();
for (int r = 0; r < repeat; r++)
{
    var (insert, fetch) = Run(data);
    inserts.Add(insert);
    fetches.Add(fetch);
}
double insertS = Median(inserts), fetchS = Median(fetches);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"csharp binding: insert {rowCount / insertS:N0} rows/s ({insertS:F2} s), fetch {rowCount / fetchS:N0} rows/s ({fetchS:F2} s)"));
if (jsonPath is not null)
{
    var results = new Dictionary<string, object>
    {
        ["rows"] = rowCount, ["batch"] = batch, ["repeat"] = repeat,
        ["libcrm"] = CrmLibrary.Version, ["dotnet"] = Environment.Version.ToString(),
        ["binding"] = new Dictionary<string, double> { ["insert_s"] = insertS, ["fetch_s"] = fetchS },
    };
    File.WriteAllText(jsonPath, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
}
return 0;
