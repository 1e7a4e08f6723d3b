package org.mtl4j.datasets.synthetic;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Renders a range of samples of a {@link SceneRenderer} in parallel. Each call creates its own fixed thread pool of
 * daemon threads and shuts it down before returning (also on failure). Because every sample is a pure function of
 * {@code (seed, index)}, the result is identical whatever the thread count. Thread-safe.
 */
public final class SceneBatchRenderer {

  private final SceneRenderer renderer;

  /** Creates a batch renderer over {@code renderer}. */
  public SceneBatchRenderer(SceneRenderer renderer) {
    this.renderer = checkNotNull(renderer, "renderer");
  }

  /** Returns the underlying renderer. */
  public SceneRenderer renderer() {
    return renderer;
  }

  /**
   * Renders samples {@code fromIndex, fromIndex + 1, ..., fromIndex + count - 1} of {@code seed}.
   *
   * @param seed      data set seed
   * @param fromIndex first sample index, &gt;= 0
   * @param count     number of samples, &gt;= 0
   * @param threads   worker threads, in [1, 256]; 1 renders on the calling thread
   * @return an unmodifiable list, element {@code i} being {@code renderer.render(seed, fromIndex + i)}
   * @throws IllegalArgumentException on an invalid argument
   * @throws IllegalStateException    if the calling thread is interrupted (its interrupt flag is restored)
   */
  public List<SceneSample> renderAll(long seed, long fromIndex, int count, int threads) {
    checkArgument(fromIndex >= 0, "fromIndex must be >= 0, got %s", fromIndex);
    checkArgument(count >= 0, "count must be >= 0, got %s", count);
    checkArgument(fromIndex <= Long.MAX_VALUE - count, "fromIndex %s + count %s overflows", fromIndex, count);
    checkArgument(threads >= 1 && threads <= 256, "threads must be in [1, 256], got %s", threads);
    SceneSample[] out = new SceneSample[count];
    int workers = Math.min(threads, count);
    if (workers <= 1) {
      for (int i = 0; i < count; i++) {
        out[i] = renderer.render(seed, fromIndex + i);
      }
      return Collections.unmodifiableList(Arrays.asList(out));
    }
    ExecutorService pool = Executors.newFixedThreadPool(workers,
        new ThreadFactoryBuilder().setDaemon(true).setNameFormat("scene-render-%d").build());
    try {
      List<Future<?>> futures = new ArrayList<>(workers);
      for (int w = 0; w < workers; w++) {
        final int first = w;
        futures.add(pool.submit(() -> {
          for (int i = first; i < count; i += workers) {
            out[i] = renderer.render(seed, fromIndex + i);
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get(); // also publishes the worker's writes to out
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while rendering scenes", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("scene rendering failed", cause);
    } finally {
      pool.shutdownNow();
    }
    return Collections.unmodifiableList(Arrays.asList(out));
  }
}
