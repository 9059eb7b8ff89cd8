; ModuleID = 'rulec'
source_filename = "rulec"

@rulec_shape = constant [3 x i32] [i32 3, i32 8, i32 0]

; Function Attrs: noinline
define internal void @rules_0(ptr %0, ptr %1) #0 {
entry:
  %2 = getelementptr inbounds i8, ptr %0, i64 0
  %atoms = load ptr, ptr %2, align 8
  %3 = getelementptr inbounds i8, ptr %0, i64 8
  %memo = load ptr, ptr %3, align 8
  %4 = getelementptr inbounds i8, ptr %0, i64 16
  %lazy = load ptr, ptr %4, align 8
  %5 = getelementptr inbounds i64, ptr %atoms, i64 0
  %6 = load i64, ptr %5, align 4
  %7 = and i64 %6, 0
  %8 = and i64 %6, 7
  %9 = xor i64 %8, 7
  %10 = or i64 %9, %7
  %11 = or i64 0, %10
  %12 = icmp eq i64 %11, 0
  br i1 %12, label %and.next, label %and.end

and.end:                                          ; preds = %and.next1, %and.next, %entry
  %13 = phi i1 [ false, %entry ], [ false, %and.next ], [ %35, %and.next1 ]
  %14 = zext i1 %13 to i64
  %15 = shl i64 %14, 1
  %16 = or i64 0, %15
  %17 = getelementptr inbounds i64, ptr %atoms, i64 0
  %18 = load i64, ptr %17, align 4
  %19 = and i64 %18, 0
  %20 = and i64 %18, 66
  %21 = xor i64 %20, 66
  %22 = or i64 %21, %19
  %23 = or i64 0, %22
  %24 = icmp eq i64 %23, 0
  br i1 %24, label %and.next3, label %and.end2

and.next:                                         ; preds = %entry
  %25 = call i32 %lazy(ptr %0, i32 3)
  %26 = icmp ne i32 %25, 0
  br i1 %26, label %and.next1, label %and.end

and.next1:                                        ; preds = %and.next
  %27 = call i32 %lazy(ptr %0, i32 4)
  %28 = getelementptr inbounds i64, ptr %atoms, i64 0
  %29 = load i64, ptr %28, align 4
  %30 = xor i64 %29, -1
  %31 = and i64 %30, 0
  %32 = and i64 %29, 48
  %33 = or i64 %32, %31
  %34 = or i64 0, %33
  %35 = icmp ne i64 %34, 0
  br label %and.end

and.end2:                                         ; preds = %and.next3, %and.end
  %36 = phi i1 [ false, %and.end ], [ %44, %and.next3 ]
  %37 = zext i1 %36 to i64
  %38 = shl i64 %37, 2
  %39 = or i64 %16, %38
  %40 = getelementptr inbounds i64, ptr %1, i64 0
  %41 = load i64, ptr %40, align 4
  %42 = or i64 %41, %39
  store i64 %42, ptr %40, align 4
  ret void

and.next3:                                        ; preds = %and.end
  %43 = call i32 %lazy(ptr %0, i32 7)
  %44 = icmp ne i32 %43, 0
  br label %and.end2
}

define void @rulec_eval(ptr %0, ptr %1) {
entry:
  call void @rules_0(ptr %0, ptr %1)
  ret void
}

attributes #0 = { noinline }
