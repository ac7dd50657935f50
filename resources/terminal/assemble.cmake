# Puts the terminal page together in DEST (cmake -DSOURCE=resources/terminal -DDEST=... -P):
# our page files, and the browser builds of the npm packages it loads (installed by
# scripts/setup.sh with `npm ci`, pinned by package-lock.json). A missing package is a
# warning: the engine then answers the page with 503 and says what to run.
set(modules "${SOURCE}/node_modules")
set(files
  "${SOURCE}/page/terminal.html" terminal.html
  "${SOURCE}/page/terminal.js" terminal.js
  "${SOURCE}/page/terminal.css" terminal.css
  "${modules}/@xterm/xterm/lib/xterm.mjs" xterm.mjs
  "${modules}/@xterm/xterm/css/xterm.css" xterm.css
  "${modules}/@xterm/addon-fit/lib/addon-fit.mjs" addon-fit.mjs
  "${modules}/@cloudflare/sandbox/dist/xterm/index.js" sandbox-xterm.js)
file(MAKE_DIRECTORY "${DEST}")
list(LENGTH files count)
math(EXPR last "${count} - 1")
foreach(index RANGE 0 ${last} 2)
  math(EXPR next "${index} + 1")
  list(GET files ${index} from)
  list(GET files ${next} name)
  if(EXISTS "${from}")
    file(READ "${from}" text)
    # No source map comments: the maps are not served.
    string(REGEX REPLACE "\n//# sourceMappingURL=[^\n]*" "" text "${text}")
    file(WRITE "${DEST}/${name}.new" "${text}")
    file(RENAME "${DEST}/${name}.new" "${DEST}/${name}")
  else()
    file(REMOVE "${DEST}/${name}")
    message(WARNING "terminal page: ${from} is missing (run `npm ci` in ${SOURCE})")
  endif()
endforeach()
