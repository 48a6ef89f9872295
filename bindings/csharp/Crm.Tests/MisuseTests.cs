namespace Crm.Tests;

public class MisuseTests
{
    [Fact]
    public void DisposedDatabaseThrowsObjectDisposedException()
    {
        var db = TestWorkspace.Open();
        long id = db.CreateCustomer(TestWorkspace.Row(("name", "A")));
        db.Dispose();
        db.Dispose(); // twice is fine
        Assert.True(db.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => db.CountCustomers());
        Assert.Throws<ObjectDisposedException>(() => db.GetCustomer(id));
        Assert.Throws<ObjectDisposedException>(() => db.CreateCustomer(TestWorkspace.Row(("name", "B"))));
        Assert.Throws<ObjectDisposedException>(() => db.InsertMany([TestWorkspace.Row(("name", "B"))]));
        Assert.Throws<ObjectDisposedException>(() => db.BeginTransaction());
        Assert.Throws<ObjectDisposedException>(() => db.ListFields());
    }

    [Fact]
    public void SeveralThreadsSharingOneDatabaseCompleteWithCorrectCounts()
    {
        const int Threads = 8, PerThread = 60;
        using var db = TestWorkspace.Open();
        var ids = new System.Collections.Concurrent.ConcurrentBag<long>();
        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            for (int i = 0; i < PerThread; i += 3)
            {
                ids.Add(db.CreateCustomer(TestWorkspace.Row(("name", $"T{t}-{i}"), ("score", (long)t))));
                using (var tx = db.BeginTransaction()) // other threads wait for it
                {
                    ids.Add(db.CreateCustomer(TestWorkspace.Row(("name", $"T{t}-{i + 1}"), ("score", (long)t))));
                    tx.Commit();
                }
                ids.Add(db.InsertMany([TestWorkspace.Row(("name", $"T{t}-{i + 2}"), ("score", (long)t))]).Single());
                Assert.True(db.CountCustomers() > 0);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        Assert.All(workers, w => Assert.True(w.Join(TimeSpan.FromSeconds(60)), "a worker hung"));

        Assert.Equal(Threads * PerThread, db.CountCustomers());
        Assert.Equal(Threads * PerThread, ids.Distinct().Count());
        for (int t = 0; t < Threads; t++)
            Assert.Equal(PerThread, ids.Count(id => db.GetCustomer(id).GetInt64("score") == t));
    }
}
