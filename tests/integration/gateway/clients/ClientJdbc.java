// SPDX-License-Identifier: Apache-2.0
// PgJDBC through writ-gateway, run as `java -cp postgresql.jar ClientJdbc.java`: the extended protocol
// with server-side prepared statements (prepareThreshold=1, so the second execution reuses a named
// statement), an allowed read that sees only the task's rows, a denial as SQLSTATE 42501 naming the
// rule, a session that survives it, and a refusal inside a transaction that aborts it.
// Prints "ok <step>" per step; exits 1 on the first surprise. Environment as client_psycopg2.py.
import java.sql.*;
import java.util.Properties;

public class ClientJdbc {
    static void fail(String message) {
        System.out.println("FAIL " + message);
        System.exit(1);
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + System.getenv("WRIT_GW_HOST") + ":" + System.getenv("WRIT_GW_PORT") + "/"
                + System.getenv("WRIT_GW_DB");
        Properties p = new Properties();
        p.setProperty("user", "agent");
        p.setProperty("password", System.getenv("WRIT_GW_PASSWORD"));
        p.setProperty("sslmode", "disable");
        p.setProperty("prepareThreshold", "1");
        p.setProperty("connectTimeout", "10");
        int customer = Integer.parseInt(System.getenv("WRIT_GW_CUSTOMER"));
        try (Connection c = DriverManager.getConnection(url, p)) {
            try (PreparedStatement s = c.prepareStatement("SELECT id, customer_id FROM tickets WHERE id > ? ORDER BY id")) {
                for (int round = 0; round < 3; ++round) {
                    s.setInt(1, 0);
                    int n = 0;
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            ++n;
                            if (r.getInt(2) != customer)
                                fail("saw customer " + r.getInt(2) + "'s ticket");
                        }
                    }
                    if (n == 0)
                        fail("no rows");
                }
            }
            System.out.println("ok read (prepared, 3 executions)");
            try (PreparedStatement s = c.prepareStatement("SELECT phone FROM public.customers WHERE id = ?")) {
                s.setInt(1, customer);
                s.executeQuery();
                fail("a column outside the scope was read");
            } catch (SQLException e) {
                if (!"42501".equals(e.getSQLState()) || !String.valueOf(e.getMessage()).contains("column-scope"))
                    fail("expected 42501 naming column-scope, got " + e.getSQLState() + ": " + e.getMessage());
            }
            System.out.println("ok denied 42501");
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1")) {
                if (!r.next() || r.getInt(1) != 1)
                    fail("the session does not work after a refusal");
            }
            System.out.println("ok session survives");
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT count(*) FROM tickets").close();
                try {
                    s.executeQuery("SELECT phone FROM public.customers");
                    fail("a column outside the scope was read in a transaction");
                } catch (SQLException e) {
                }
                try {
                    s.executeQuery("SELECT 1");
                    fail("the transaction went on after a refusal");
                } catch (SQLException e) {
                    if (!"25P02".equals(e.getSQLState()))
                        fail("expected 25P02, got " + e.getSQLState());
                }
            }
            c.rollback();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1")) {
                r.next();
            }
            System.out.println("ok transaction aborted and rolled back");
        }
        System.out.println("ok done");
    }
}
