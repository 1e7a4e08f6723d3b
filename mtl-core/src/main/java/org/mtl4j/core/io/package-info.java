/** File helpers shared by the modules: atomic writes ({@link org.mtl4j.core.io.AtomicFiles}). */
package org.mtl4j.core.io;
