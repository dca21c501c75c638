package dev.relais.agent.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What the config package logs during a test, as formatted lines ("LEVEL message"). */
final class LogCapture implements AutoCloseable {
  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.relais.agent.config");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture() {
    appender.start();
    logger.addAppender(appender);
  }

  List<String> lines() {
    return appender.list.stream()
        .map(e -> e.getLevel() + " " + e.getFormattedMessage() + throwable(e))
        .toList();
  }

  List<String> at(Level level) {
    return appender.list.stream()
        .filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private static String throwable(ILoggingEvent e) {
    return e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
