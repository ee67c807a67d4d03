# SPDX-License-Identifier: Apache-2.0
# Generates a .cpp defining `const char *<SYMBOL>` holding the bytes of INPUT, so writ_core can carry
# SQL from resources/ without Qt's resource system. Run as: cmake -DINPUT= -DOUTPUT= -DSYMBOL= -DNAMESPACE= -P
file(READ "${INPUT}" content)
set(delimiter "writ_embed")
file(WRITE "${OUTPUT}" "// Generated from ${INPUT}; do not edit.\nnamespace ${NAMESPACE} {\nextern const char *const ${SYMBOL};\nconst char *const ${SYMBOL} = R\"${delimiter}(${content})${delimiter}\";\n}\n")
