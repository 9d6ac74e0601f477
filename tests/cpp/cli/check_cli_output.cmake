# Runs bnlab with no flags and compares its stdout with PyTorch's output of the
# article's script, stored in tests/fixtures/article_default.txt.
execute_process(COMMAND ${BNLAB} OUTPUT_VARIABLE actual RESULT_VARIABLE code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "bnlab exited with ${code}")
endif()
file(READ ${FIXTURES}/article_default.txt expected)
if(NOT actual STREQUAL expected)
  message(FATAL_ERROR "bnlab output differs from PyTorch's:\n--- expected\n${expected}--- actual\n${actual}")
endif()
